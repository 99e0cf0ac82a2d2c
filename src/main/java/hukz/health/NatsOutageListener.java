package hukz.health;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;

/** NATS outages as the client sees them: lost connection until it is back (jnats reconnects and resubscribes). */
public final class NatsOutageListener implements ConnectionListener {
    private final OutageTracker nats;

    public NatsOutageListener(OutageTracker nats) {
        this.nats = nats;
    }

    @Override
    public void connectionEvent(Connection conn, Events type) {
        switch (type) {
            case DISCONNECTED -> nats.down("connection lost");
            case CONNECTED, RECONNECTED, RESUBSCRIBED -> nats.up();
            default -> {
                // closing at shutdown, server discovery and lame duck mode are not outages
            }
        }
    }
}

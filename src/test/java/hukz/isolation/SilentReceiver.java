package hukz.isolation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The worst receiver (SPEC §8): it accepts every connection and never answers, so each attempt waits out the
 * whole delivery timeout. It counts the connections it was given (within one timeout, all are still open).
 */
final class SilentReceiver implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    SilentReceiver() {
        try {
            socket = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    held.add(socket.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-receiver-" + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
    }

    /** Every connection ever accepted. */
    int accepted() {
        return held.size();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : held) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}

package hukz.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 between hukz and a server (PostgreSQL, NATS), to take the server away as a network
 * would: {@link #cut()} closes every connection and refuses new ones (each is reset as soon as it arrives),
 * {@link #restore()} forwards again. The port stays bound throughout, so that nothing else on the machine can
 * take it while the server is "away". {@link #dropFromClients()} breaks the open connections one way only, as a
 * network can: what the clients send is lost, what the server sends still arrives, and new connections work.
 * {@link #stall()} makes the network go silent, as a partition does: nothing is reset, no byte goes through either
 * way and new connections are accepted but never answered (a client's connect and login hang); {@link #restore()}
 * then lets the held bytes through, as TCP does when a partition heals, and closes the connections held unanswered.
 */
public final class TcpProxy implements AutoCloseable {
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Set<Socket> dropping = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private boolean stalled;

    public TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("proxy cannot listen", e);
        }
        daemon("tcp-proxy-accept-" + server.getLocalPort(), this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes all connections through the proxy and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    /** From now on, the bytes the clients of the open connections send are lost; connections made later are not affected. */
    public void dropFromClients() {
        dropping.addAll(clients);
    }

    /** From now on, nothing goes through and new connections are held unanswered, until {@link #restore()}. */
    public synchronized void stall() {
        stalled = true;
    }

    /** Forwards new connections again; after a stall, lets the held bytes through. */
    public void restore() {
        cut = false;
        synchronized (this) {
            stalled = false;
            notifyAll();
        }
        for (Socket s : held) {
            closeQuietly(s);
        }
        held.clear();
    }

    private synchronized boolean isStalled() {
        return stalled;
    }

    /** Holds the calling pump while the network is stalled (bounded: until restore() or close()). */
    private synchronized void awaitFlowing() throws java.io.InterruptedIOException {
        while (stalled && !server.isClosed()) {
            try {
                wait(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("proxy stopped");
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            if (cut) {
                refuse(client);
                continue;
            }
            if (isStalled()) {
                held.add(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                clients.add(client);
                if (cut) {
                    // cut() ran while this connection was being made
                    closeQuietly(client);
                    closeQuietly(upstream);
                    continue;
                }
                daemon("tcp-proxy-up-" + port(), () -> pump(client, upstream));
                daemon("tcp-proxy-down-" + port(), () -> pump(upstream, client));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** A reset as soon as the connection is accepted: the client sees the server gone, not a slow one. */
    private static void refuse(Socket client) {
        try {
            client.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed below either way
        }
        closeQuietly(client);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (dropping.contains(from)) {
                    continue;
                }
                awaitFlowing();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
            clients.remove(from);
            dropping.remove(from);
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
        restore();
    }
}

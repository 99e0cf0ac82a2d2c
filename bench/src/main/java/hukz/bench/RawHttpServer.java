package hukz.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A minimal HTTP/1.1 server on one non-blocking selector thread, for the bench's receiver: keep-alive,
 * Content-Length and chunked request bodies, pipelined requests, answers written without blocking.
 * The JDK's {@code HttpServer} spends a thread hand-off and several copies per request; this one parses in
 * place on the thread that read the bytes, so the receiver costs little next to the system it measures.
 * A handler may answer {@code null}: the request is then never answered (a hanging webhook endpoint).
 */
final class RawHttpServer {
    /** One parsed request. Header names are lower case. */
    record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** What to answer; {@code null} from the handler means: never answer. */
    record Response(int status, byte[] body) {
    }

    interface Handler {
        Response handle(Request request);
    }

    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 16 * 1024 * 1024;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Handler handler;
    private volatile boolean running = true;

    RawHttpServer(String host, int port, Handler handler) throws IOException {
        this.handler = handler;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(host, port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    void start() {
        Thread t = new Thread(this::loop, "raw-http");
        t.setDaemon(true);
        t.start();
    }

    void stop() {
        running = false;
        selector.wakeup();
    }

    private void loop() {
        while (running) {
            try {
                selector.select(500);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                        continue;
                    }
                    Conn c = (Conn) key.attachment();
                    try {
                        if (key.isWritable()) {
                            c.flush();
                        }
                        if (key.isValid() && key.isReadable()) {
                            c.read();
                        }
                    } catch (IOException | RuntimeException e) {
                        c.close();
                    }
                }
            } catch (IOException e) {
                System.err.println("raw-http: " + e);
            }
        }
        try {
            server.close();
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
            key.attach(new Conn(ch, key));
        }
    }

    /** One connection: bytes read but not yet parsed, answers not yet written. */
    private final class Conn {
        final SocketChannel ch;
        final SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        boolean closeAfterWrite;

        Conn(SocketChannel ch, SelectionKey key) {
            this.ch = ch;
            this.key = key;
        }

        void read() throws IOException {
            while (true) {
                if (!in.hasRemaining()) {
                    if (in.capacity() >= MAX_HEAD + MAX_BODY) {
                        throw new IOException("request too large");
                    }
                    ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                    in.flip();
                    bigger.put(in);
                    in = bigger;
                }
                int n = ch.read(in);
                if (n < 0) {
                    close();
                    return;
                }
                if (n == 0) {
                    break;
                }
            }
            parseAll();
        }

        /** Handles every complete request in the buffer, in order; keeps a partial one for the next read. */
        void parseAll() throws IOException {
            byte[] a = in.array();
            int end = in.position();
            int pos = 0;
            while (pos < end) {
                int headEnd = indexOfCrlfCrlf(a, pos, end);
                if (headEnd < 0) {
                    if (end - pos > MAX_HEAD) {
                        throw new IOException("header too large");
                    }
                    break;
                }
                Parsed p = parseHead(a, pos, headEnd);
                int bodyStart = headEnd + 4;
                byte[] body;
                int next;
                if (p.chunked) {
                    ChunkedBody cb = dechunk(a, bodyStart, end);
                    if (cb == null) {
                        break;
                    }
                    body = cb.body;
                    next = cb.next;
                } else {
                    if (end - bodyStart < p.contentLength) {
                        break;
                    }
                    body = new byte[p.contentLength];
                    System.arraycopy(a, bodyStart, body, 0, p.contentLength);
                    next = bodyStart + p.contentLength;
                }
                pos = next;
                Response r = handler.handle(new Request(p.method, p.path, p.query, p.headers, body));
                if (r != null) {
                    boolean close = "close".equalsIgnoreCase(p.headers.get("connection"));
                    queue(r, close);
                }
            }
            if (pos > 0) {
                // keep the unparsed tail at the start of the buffer
                System.arraycopy(a, pos, a, 0, end - pos);
                in.position(end - pos);
            }
            flush();
        }

        void queue(Response r, boolean close) {
            byte[] head = ("HTTP/1.1 " + r.status() + " " + reason(r.status()) + "\r\nContent-Length: " + r.body().length
                    + (close ? "\r\nConnection: close" : "") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            out.add(ByteBuffer.wrap(head));
            if (r.body().length > 0) {
                out.add(ByteBuffer.wrap(r.body()));
            }
            closeAfterWrite |= close;
        }

        void flush() throws IOException {
            while (!out.isEmpty()) {
                ByteBuffer b = out.peek();
                ch.write(b);
                if (b.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                out.poll();
            }
            key.interestOps(SelectionKey.OP_READ);
            if (closeAfterWrite) {
                close();
            }
        }

        void close() {
            key.cancel();
            try {
                ch.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private record Parsed(String method, String path, String query, Map<String, String> headers, int contentLength, boolean chunked) {
    }

    private record ChunkedBody(byte[] body, int next) {
    }

    private static Parsed parseHead(byte[] a, int from, int headEnd) throws IOException {
        String head = new String(a, from, headEnd - from, StandardCharsets.ISO_8859_1);
        int lineEnd = head.indexOf("\r\n");
        String requestLine = lineEnd < 0 ? head : head.substring(0, lineEnd);
        int sp1 = requestLine.indexOf(' ');
        int sp2 = requestLine.indexOf(' ', sp1 + 1);
        if (sp1 < 0 || sp2 < 0) {
            throw new IOException("bad request line");
        }
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        Map<String, String> headers = new HashMap<>(16);
        int i = lineEnd < 0 ? head.length() : lineEnd + 2;
        while (i < head.length()) {
            int e = head.indexOf("\r\n", i);
            if (e < 0) {
                e = head.length();
            }
            int colon = head.indexOf(':', i);
            if (colon > i && colon < e) {
                headers.put(head.substring(i, colon).trim().toLowerCase(java.util.Locale.ROOT), head.substring(colon + 1, e).trim());
            }
            i = e + 2;
        }
        String te = headers.get("transfer-encoding");
        boolean chunked = te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
        String cl = headers.get("content-length");
        int length = chunked || cl == null ? 0 : Integer.parseInt(cl);
        if (length < 0 || length > MAX_BODY) {
            throw new IOException("bad content-length");
        }
        return new Parsed(method, path, query, headers, length, chunked);
    }

    /** The decoded body and where the next request starts, or null while the body is incomplete. */
    private static ChunkedBody dechunk(byte[] a, int from, int end) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int pos = from;
        while (true) {
            int lineEnd = indexOfCrlf(a, pos, end);
            if (lineEnd < 0) {
                return null;
            }
            String sizeText = new String(a, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
            int semi = sizeText.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
            if (size < 0 || body.size() + size > MAX_BODY) {
                throw new IOException("bad chunk size");
            }
            pos = lineEnd + 2;
            if (size == 0) {
                // trailers end with an empty line
                while (true) {
                    int e = indexOfCrlf(a, pos, end);
                    if (e < 0) {
                        return null;
                    }
                    boolean empty = e == pos;
                    pos = e + 2;
                    if (empty) {
                        return new ChunkedBody(body.toByteArray(), pos);
                    }
                }
            }
            if (end - pos < size + 2) {
                return null;
            }
            body.write(a, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOfCrlfCrlf(byte[] a, int from, int end) {
        for (int i = from; i + 3 < end; i++) {
            if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfCrlf(byte[] a, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (a[i] == '\r' && a[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }
}

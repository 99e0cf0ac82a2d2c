package hukz.attempt;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Receivers' host names, resolved off the sending thread. An attempt is started on whichever thread stored or
 * claimed its delivery (the ingest consumer, the retry timer), and the HTTP client resolves a host on the thread
 * that asks it for a new connection: a receiver whose DNS answers slowly would hold that thread, and every other
 * webhook's attempts behind it. So a host is looked up here first, on a small pool of its own, and the attempt is
 * sent once its answer is known; the client's resolver ({@link GuardedDnsResolver}) then reads the answer kept
 * here. Answers are kept for 30 s (failures for 5 s), as the JVM's own cache keeps them.
 */
public final class HostLookups {
    private static final long KEEP_NANOS = 30_000_000_000L;
    private static final long KEEP_FAILURE_NANOS = 5_000_000_000L;
    /** Past this many hosts, answers that have expired are dropped (webhooks can name any number of hosts). */
    private static final int TIDY_ABOVE = 10_000;

    /** A lookup's answer: the addresses, or why there are none, until {@code expiresAt} (System.nanoTime). */
    private record Answer(InetAddress[] addresses, UnknownHostException failure, long expiresAt) {
    }

    /** How a host is looked up: the JVM's resolver, or a stand-in in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private final Resolver resolver;
    private final ExecutorService pool;

    public HostLookups() {
        this(InetAddress::getAllByName);
    }

    public HostLookups(Resolver resolver) {
        this.resolver = resolver;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hukz-dns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** True when the host's answer is at hand, so a connection to it can be asked for without waiting on DNS. */
    public boolean known(String host) {
        Answer a = answers.get(host);
        return a != null && a.expiresAt - System.nanoTime() > 0;
    }

    /**
     * Looks the host up on the lookup pool, then runs {@code then} (whatever the answer) on the thread that finished
     * the lookup. Attempts to a host already being looked up wait for that one lookup, so a burst to one slow host
     * takes one pool thread, not all of them.
     */
    public void lookUpThen(String host, Runnable then) {
        CompletableFuture<Void> lookup = pending.computeIfAbsent(host, h -> CompletableFuture.runAsync(() -> {
            try {
                resolve(h);
            } catch (UnknownHostException e) {
                // kept as the answer: the attempt fails on it like any unresolvable host
            }
        }, pool));
        lookup.whenComplete((done, failure) -> {
            pending.remove(host, lookup);
            then.run();
        });
    }

    /** The host's addresses: the answer at hand, or a lookup now (blocking) that is kept. */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        Answer a = answers.get(host);
        long now = System.nanoTime();
        if (a == null || a.expiresAt - now <= 0) {
            try {
                a = new Answer(resolver.resolve(host), null, now + KEEP_NANOS);
            } catch (UnknownHostException e) {
                a = new Answer(null, e, now + KEEP_FAILURE_NANOS);
            }
            if (answers.size() > TIDY_ABOVE) {
                answers.values().removeIf(old -> old.expiresAt - now <= 0);
            }
            answers.put(host, a);
        }
        if (a.failure != null) {
            throw new UnknownHostException(a.failure.getMessage());
        }
        return a.addresses.clone();
    }

    public void close() {
        pool.shutdownNow();
    }
}

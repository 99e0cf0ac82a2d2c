package hukz.api.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.ext.web.Router;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The Vert.x instance the API server is built on (Camel's platform-http finds it in the registry). Camel creates
 * its HTTP server with default options and no hooks, so this instance hands it a server that already has
 * hukz's {@link HttpGuard}: connection caps and timeouts, error-shaped answers to malformed requests, and a
 * first router handler that refuses a request before its body is read.
 */
public final class GuardedVertx {
    private GuardedVertx() {
    }

    public static Vertx create(HttpGuard guard) {
        VertxInternal real = (VertxInternal) Vertx.vertx();
        return (Vertx) Proxy.newProxyInstance(GuardedVertx.class.getClassLoader(), new Class<?>[]{VertxInternal.class},
                new Delegate(real, (proxy, method, args) -> {
                    if (method.getName().equals("createHttpServer")) {
                        HttpServerOptions options = args != null && args.length == 1 && args[0] instanceof HttpServerOptions o
                                ? new HttpServerOptions(o) : new HttpServerOptions();
                        return guarded(real.createHttpServer(guard.configure(options)), guard);
                    }
                    return null;
                }));
    }

    private static HttpServer guarded(HttpServer server, HttpGuard guard) {
        server.connectionHandler(guard::onConnection);
        server.invalidRequestHandler(guard::onInvalidRequest);
        Object[] self = new Object[1];
        HttpServer proxy = (HttpServer) Proxy.newProxyInstance(GuardedVertx.class.getClassLoader(), new Class<?>[]{HttpServer.class},
                new Delegate(server, (p, method, args) -> {
                    if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
                        @SuppressWarnings("unchecked")
                        Handler<io.vertx.core.http.HttpServerRequest> handler = (Handler<io.vertx.core.http.HttpServerRequest>) args[0];
                        if (handler instanceof Router router) {
                            guard.install(router);
                        }
                        server.requestHandler(handler);
                        return self[0];
                    }
                    return null;
                }));
        self[0] = proxy;
        return proxy;
    }

    /** A special case first; anything else goes to the real object (a fluent {@code this} becomes the proxy). */
    private record Delegate(Object target, Special special) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object answer = special.invoke(proxy, method, args);
            if (answer != null) {
                return answer;
            }
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> method.invoke(target, args);
                };
            }
            try {
                Object result = method.invoke(target, args);
                return result == target ? proxy : result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    @FunctionalInterface
    private interface Special {
        Object invoke(Object proxy, Method method, Object[] args) throws Throwable;
    }
}

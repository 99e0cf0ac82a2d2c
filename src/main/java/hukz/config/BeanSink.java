package hukz.config;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import java.util.List;

/**
 * Where {@link HukzBeans} puts the beans the routes call: Camel Main's registry when hukz runs, a bare
 * CamelContext's registry in the route tests. Also takes what must run once Camel has stopped.
 */
public interface BeanSink {
    void bind(String name, Object bean);

    void afterStop(Runnable action);

    static BeanSink of(Main main) {
        return new BeanSink() {
            @Override
            public void bind(String name, Object bean) {
                main.bind(name, bean);
            }

            @Override
            public void afterStop(Runnable action) {
                main.addMainListener(new MainListenerSupport() {
                    @Override
                    public void afterStop(BaseMainSupport m) {
                        action.run();
                    }
                });
            }
        };
    }

    /** Into a context's registry; the after-stop actions are collected in {@code onStop} for the caller to run. */
    static BeanSink of(CamelContext context, List<Runnable> onStop) {
        return new BeanSink() {
            @Override
            public void bind(String name, Object bean) {
                context.getRegistry().bind(name, bean);
            }

            @Override
            public void afterStop(Runnable action) {
                onStop.add(action);
            }
        };
    }
}

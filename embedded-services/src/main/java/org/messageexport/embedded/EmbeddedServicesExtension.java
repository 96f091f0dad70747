package org.messageexport.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: one {@link EmbeddedServices} per test JVM, started on first use and closed when the
 * whole run ends (also after failures). Test classes get it as a constructor, lifecycle-method or
 * test-method parameter: {@code @ExtendWith(EmbeddedServicesExtension.class)}.
 */
public final class EmbeddedServicesExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedServicesExtension.class);

    /** Closes the services when JUnit closes the root store at the end of the run. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit < 5.13, AutoCloseable for later ones
    private record Shared(EmbeddedServices services)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            services.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedServices.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return services(context);
    }

    public static EmbeddedServices services(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        Shared.class,
                        key -> {
                            try {
                                return new Shared(EmbeddedServices.start());
                            } catch (Exception e) {
                                throw new ParameterResolutionException(
                                        "embedded services did not start: " + e.getMessage(), e);
                            }
                        },
                        Shared.class)
                .services();
    }
}

package io.audius.indexer.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link AnvilNode} per test JVM, on first use, and stops it when the test run
 * ends.
 * <p>
 * The node lives in the root extension context store, which closes {@link AutoCloseable}
 * values when the engine finishes. Test classes use
 * {@code @ExtendWith(SharedAnvil.class)} and declare an {@link AnvilNode} or
 * {@link TestChain} parameter on constructors, lifecycle or test methods, or call
 * {@link #node(ExtensionContext)}. Tests share the chain, so each should deploy its own
 * contracts ({@link TestChain#deployAudio()}).
 */
public final class SharedAnvil implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedAnvil.class);

	public static AnvilNode node(ExtensionContext context) {
		return context.getRoot()
			.getStore(NAMESPACE)
			.computeIfAbsent(AnvilNode.class, key -> AnvilNode.start(), AnvilNode.class);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == AnvilNode.class || type == TestChain.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		AnvilNode node = node(extensionContext);
		return parameterContext.getParameter().getType() == TestChain.class ? new TestChain(node) : node;
	}

}

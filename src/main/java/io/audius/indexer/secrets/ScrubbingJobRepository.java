package io.audius.indexer.secrets;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Wraps the {@link JobRepository} so that nothing it stores holds a secret: before a job
 * or step execution (or its execution context) is written, secret tokens
 * ({@link Secrets}) are removed from its exit description (where Spring Batch puts the
 * stack trace of a failure, library messages included) and from the context's text
 * values.
 */
public class ScrubbingJobRepository implements InvocationHandler {

	private final JobRepository target;

	private ScrubbingJobRepository(JobRepository target) {
		this.target = target;
	}

	public static BeanPostProcessor postProcessor() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof JobRepository repository && !Proxy.isProxyClass(bean.getClass())) {
					return Proxy.newProxyInstance(bean.getClass().getClassLoader(), ClassUtils.getAllInterfaces(bean),
							new ScrubbingJobRepository(repository));
				}
				return bean;
			}
		};
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
		if (args != null) {
			for (Object arg : args) {
				scrub(arg);
			}
		}
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private static void scrub(@Nullable Object arg) {
		if (arg instanceof StepExecution step) {
			step.setExitStatus(scrub(step.getExitStatus()));
			scrub(step.getExecutionContext());
		}
		else if (arg instanceof JobExecution job) {
			job.setExitStatus(scrub(job.getExitStatus()));
			scrub(job.getExecutionContext());
		}
		else if (arg instanceof Collection<?> many) {
			many.forEach(ScrubbingJobRepository::scrub);
		}
	}

	// Spring Batch 6 declares the exit status and the execution context of both
	// executions non-null.
	private static ExitStatus scrub(ExitStatus status) {
		String description = status.getExitDescription();
		return Secrets.leaks(description) ? new ExitStatus(status.getExitCode(), Secrets.scrub(description)) : status;
	}

	private static void scrub(ExecutionContext context) {
		for (Map.Entry<String, Object> entry : context.entrySet()) {
			if (entry.getValue() instanceof String text && Secrets.leaks(text)) {
				context.putString(entry.getKey(), Secrets.scrub(text));
			}
		}
	}

}

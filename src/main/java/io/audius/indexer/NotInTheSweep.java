package io.audius.indexer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Beans of a job other than the sweep, left out of a process launched to run the sweep
 * ({@code indexer.launcher.job=staleRefreshJob}), which never uses them: a CronJob pays
 * for every bean at every start (docs/benchmarks.md, "Spring AOT for the sweep"). A
 * process with no job or another job has them all.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(NotInTheSweep.OtherThanTheSweep.class)
public @interface NotInTheSweep {

	/** Matches unless {@code indexer.launcher.job} is the sweep. */
	class OtherThanTheSweep extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String job = context.getEnvironment().getProperty("indexer.launcher.job", "").strip();
			return SpringAotBuild.JOB.equals(job)
					? ConditionOutcome.noMatch("indexer.launcher.job=" + job + ": the sweep's process")
					: ConditionOutcome.match("indexer.launcher.job is not " + SpringAotBuild.JOB);
		}

	}

}

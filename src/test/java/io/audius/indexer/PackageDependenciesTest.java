package io.audius.indexer;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package graph of docs/architecture.md ("Packages"), one way only:
 *
 * <pre>
 * chain ◄── balances ◄── sweep, stream (and any further job package, e.g. seed) ◄── ops
 * secrets, progress ◄── any of the above
 * chain.abi ◄── chain.rpc ◄── chain.logs, and chain itself (the balance reads) over all three
 * </pre> The root package holds the application class and
 * {@link InvalidConfigurationException}, usable by all; so are the cross-cutting packages
 * {@code secrets} and {@code progress}, which use nothing of ours. A job package is any
 * package that is not one of the named ones, so a new job sits beside the others without
 * a change here; job packages do not use each other.
 */
class PackageDependenciesTest {

	private static final String ROOT = "io.audius.indexer";

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		// Not the code Spring AOT generates into target/classes at package (pom.xml,
		// generate-spring-aot): it wires every package by design.
		.withImportOption(location -> !location.contains("__") && !location.contains("$$SpringCGLIB$$"))
		.importPackages(ROOT);

	/** Used by any package; they use nothing of ours. */
	private static final String[] CROSS_CUTTING = { ROOT + ".secrets..", ROOT + ".progress.." };

	private static final DescribedPredicate<JavaClass> JOB_PACKAGES = resideInAPackage(ROOT + "..")
		.and(DescribedPredicate.not(resideInAnyPackage(ROOT, ROOT + ".chain..", ROOT + ".balances..", ROOT + ".ops..")))
		.and(DescribedPredicate.not(resideInAnyPackage(CROSS_CUTTING)))
		.as("a job package (sweep, stream, seed, ...)");

	@Test
	void dependenciesRunOneWayFromOpsThroughTheJobsAndBalancesToChain() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("root")
			.definedBy(ROOT)
			.layer("chain")
			.definedBy(ROOT + ".chain..")
			.layer("balances")
			.definedBy(ROOT + ".balances..")
			.layer("jobs")
			.definedBy(JOB_PACKAGES)
			.layer("ops")
			.definedBy(ROOT + ".ops..")
			.layer("secrets")
			.definedBy(ROOT + ".secrets..")
			.layer("progress")
			.definedBy(ROOT + ".progress..")
			.whereLayer("secrets")
			.mayNotAccessAnyLayer()
			.whereLayer("progress")
			.mayNotAccessAnyLayer()
			.whereLayer("ops")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("jobs")
			.mayOnlyBeAccessedByLayers("ops")
			.whereLayer("balances")
			.mayOnlyBeAccessedByLayers("jobs", "ops")
			.whereLayer("chain")
			.mayOnlyBeAccessedByLayers("balances", "jobs", "ops")
			.check(MAIN);
	}

	@Test
	void chainDependsOnNoOtherIndexerPackage() {
		classes().that()
			.resideInAPackage(ROOT + ".chain..")
			.should()
			.onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + "..").or(resideInAnyPackage(ROOT, ROOT + ".chain.."))
				.or(resideInAnyPackage(CROSS_CUTTING)))
			.check(MAIN);
	}

	/**
	 * The codec (Multicall3, Call3, Hex, the address types) is plain Java over bytes: it
	 * uses nothing of ours.
	 */
	@Test
	void chainAbiDependsOnNothingOfOurs() {
		classes().that()
			.resideInAPackage(ROOT + ".chain.abi..")
			.should()
			.onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + "..").or(resideInAPackage(ROOT + ".chain.abi..")))
			.check(MAIN);
	}

	/**
	 * As web3j separates its codec from its transports: abi, then rpc, then logs; the
	 * balance reads use all three.
	 */
	@Test
	void chainSubpackagesRunOneWayFromLogsThroughRpcToAbi() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("chain")
			.definedBy(ROOT + ".chain")
			.layer("logs")
			.definedBy(ROOT + ".chain.logs..")
			.layer("rpc")
			.definedBy(ROOT + ".chain.rpc..")
			.layer("abi")
			.definedBy(ROOT + ".chain.abi..")
			.whereLayer("chain")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("logs")
			.mayOnlyBeAccessedByLayers("chain")
			.whereLayer("rpc")
			.mayOnlyBeAccessedByLayers("logs", "chain")
			.whereLayer("abi")
			.mayOnlyBeAccessedByLayers("rpc", "logs", "chain")
			.check(MAIN);
	}

	@Test
	void theRootPackageDependsOnNoSubpackage() {
		classes().that()
			.resideInAPackage(ROOT)
			.should()
			.onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + "..").or(resideInAPackage(ROOT)))
			.check(MAIN);
	}

	@Test
	void jobPackagesDoNotUseEachOther() {
		slices().matching(ROOT + ".(*)..")
			.that(DescribedPredicate.describe("job packages", slice -> slice.stream().allMatch(JOB_PACKAGES::test)))
			.should()
			.notDependOnEachOther()
			.check(MAIN);
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
	}

	/**
	 * Keeps the rules honest: the job-package predicate must see today's jobs, or the
	 * rules above prove nothing.
	 */
	@Test
	void theJobPackagePredicateSeesTheSweepAndTheStream() {
		assertThat(MAIN.that(JOB_PACKAGES).stream().map(JavaClass::getPackageName).distinct())
			.contains(ROOT + ".sweep", ROOT + ".stream")
			.doesNotContain(ROOT, ROOT + ".chain", ROOT + ".balances", ROOT + ".ops", ROOT + ".secrets",
					ROOT + ".progress");
	}

}

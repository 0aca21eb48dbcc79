package io.audius.indexer.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.web3j.protocol.ObjectMapperFactory;
import tools.jackson.databind.JsonNode;

/**
 * Creation and runtime bytecode of a test contract compiled by the build into
 * {@code /contracts/<name>.json}.
 */
record ContractArtifact(String name, String bytecode, String deployedBytecode) {

	static ContractArtifact load(String name) {
		String resource = "/contracts/" + name + ".json";
		try (InputStream in = ContractArtifact.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException(resource + " is not on the test classpath; the Maven build compiles "
						+ "src/test/solidity/*.sol there (generate-test-resources, unless -DskipChainTools)");
			}
			JsonNode json = ObjectMapperFactory.getObjectMapper().readTree(in);
			return new ContractArtifact(name, json.path("bytecode").asString(),
					json.path("deployedBytecode").asString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

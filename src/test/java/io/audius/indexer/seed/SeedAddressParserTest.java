package io.audius.indexer.seed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeedAddressParserTest {

	private final SeedAddressParser parser = new SeedAddressParser();

	private static final String LOWER = "0x" + "ab".repeat(20);

	@Test
	void firstColumnTrimmedUnquotedLowerCased() {
		assertThat(parser.process(new SeedLine(1, "  0x" + "AB".repeat(20) + " ,alice")).value()).isEqualTo(LOWER);
		assertThat(parser.process(new SeedLine(2, "\"" + LOWER + "\";x")).value()).isEqualTo(LOWER);
		assertThat(parser.process(new SeedLine(3, LOWER + "\tx")).value()).isEqualTo(LOWER);
		assertThat(parser.process(new SeedLine(0, "0X" + "ab".repeat(20))).value()).isEqualTo(LOWER);
	}

	@Test
	void blankLinesAndCommentsOfAFileAreFilteredNotSkipped() {
		assertThat(parser.process(new SeedLine(4, "   "))).isNull();
		assertThat(parser.process(new SeedLine(5, "# note"))).isNull();
	}

	@Test
	void anythingElseIsRejectedWithItsLineAndEscapedText() {
		assertThatThrownBy(() -> parser.process(new SeedLine(7, "0x12\u001b[31m")))
			.isInstanceOf(InvalidSeedAddressException.class)
			.hasMessage("line 7 is not an address (0x + 40 hex digits): \"0x12\\u001b[31m\"");
		assertThatThrownBy(() -> parser.process(new SeedLine(0, "")))
			.hasMessage("source row is not an address (0x + 40 hex digits): \"\"");
		assertThatThrownBy(() -> parser.process(new SeedLine(8, "0x" + "zz".repeat(20))))
			.isInstanceOf(InvalidSeedAddressException.class);
		assertThat(new SeedLine(9, "x".repeat(100)).shown()).hasSize(64 + 3);
	}

}

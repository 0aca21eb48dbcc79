package io.audius.indexer.chain.abi;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WalletAddressTest {

	@Test
	void acceptsLowercaseAndGivesItsBytes() {
		WalletAddress wallet = WalletAddress.parse("0x00000000000000000000000000000000000000ff");
		assertThat(wallet.bytes()).hasSize(20);
		assertThat(wallet.bytes()[19]).isEqualTo((byte) 0xff);
	}

	@ParameterizedTest
	@ValueSource(strings = { "0xAbCdEf0000000000000000000000000000000000", "0x1234",
			"abcdef00000000000000000000000000000000000000", "0xzz00000000000000000000000000000000000000",
			"0x00000000000000000000000000000000000000000", "" })
	void rejectsRowsThatAreNotCanonical(String row) {
		assertThatThrownBy(() -> WalletAddress.parse(row)).isInstanceOf(InvalidWalletAddressException.class)
			.hasMessageContaining("not a lowercase");
	}

	@Test
	void fromTopicTakesTheLow20BytesLowercased() {
		String topic = "0x000000000000000000000000AbCdEf0000000000000000000000000000000001";
		assertThat(WalletAddress.fromTopic(topic).value()).isEqualTo("0xabcdef0000000000000000000000000000000001");
	}

	@Test
	void longBadValuesAreShortenedInTheMessage() {
		assertThatThrownBy(() -> WalletAddress.parse("x".repeat(500))).hasMessageEndingWith("…'");
	}

	@Test
	void rawRowValuesAreLoggedEscapedSoARowCannotForgeALogLine() {
		String forged = "0x12\n2026-11-26T00:00:00Z ERROR forged line\u001b[31m\r";
		assertThatThrownBy(() -> WalletAddress.parse(forged)).hasMessageNotContaining("\n")
			.hasMessageNotContaining("\r")
			.hasMessageNotContaining("\u001b")
			.hasMessageContaining("\\u000a");
	}

	@Test
	void aChecksummedOrPaddedRowHasALowerCaseTwinAndGarbageHasNone() {
		String lower = "0x" + "ab".repeat(20);
		assertThat(WalletAddress.canonicalTwin("0x" + "AB".repeat(20))).contains(new WalletAddress(lower));
		assertThat(WalletAddress.canonicalTwin(" \t" + lower + "\n")).contains(new WalletAddress(lower));
		assertThat(WalletAddress.canonicalTwin("0X" + "ab".repeat(20))).contains(new WalletAddress(lower));
		assertThat(WalletAddress.canonicalTwin("0x1234")).isEmpty();
		assertThat(WalletAddress.canonicalTwin("0x" + "zz".repeat(20))).isEmpty();
		assertThat(WalletAddress.canonicalTwin(null)).isEmpty();
	}

}

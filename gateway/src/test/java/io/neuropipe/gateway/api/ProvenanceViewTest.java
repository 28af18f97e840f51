package io.neuropipe.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ProvenanceViewTest {

    @Test
    void aStepWithTwoModelsKeepsEachWithItsOwnChecksum() {
        Map<String, String> raw = Map.of("generate.encoder", "image-encoder/1", "generate.decoder", "image-decoder/3",
            "generate.encoder_sha256", "e1", "generate.decoder_sha256", "d3", "generate.trained", "false",
            "generate.steps", "20", "generate.guidance", "3.00", "generate.sampler", "ddim-eta0-cfg");
        ProvenanceView v = ProvenanceView.of("generate", raw);
        assertThat(v.models()).containsExactly(
            new ProvenanceView.Model("decoder", "image-decoder", "3", "d3", null),
            new ProvenanceView.Model("encoder", "image-encoder", "1", "e1", null));
        assertThat(v.parameters()).as("which model 'trained' means is unclear with two")
            .containsOnlyKeys("steps", "guidance", "sampler", "trained");
        assertThat(v.keptTokenRatio()).isNull();
        assertThat(v.raw()).isEqualTo(raw);
    }

    @Test
    void ratesAreNumbersAndUnprefixedKeysStay() {
        ProvenanceView v = ProvenanceView.of("decode", Map.of("decode.acceptance_rate", "0.75", "subject", "sub-01",
            "decode.model", "lm/2"));
        assertThat(v.acceptanceRate()).isEqualTo(0.75);
        assertThat(v.parameters()).containsExactly(Map.entry("subject", "sub-01"));
        assertThat(v.models()).extracting(ProvenanceView.Model::sha256).containsExactly((String) null);
        assertThat(ProvenanceView.of("x", Map.of())).isNull();
    }
}

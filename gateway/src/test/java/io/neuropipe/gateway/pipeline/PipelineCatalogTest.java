package io.neuropipe.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.config.PipelinesProperties;
import io.neuropipe.gateway.config.PipelinesProperties.Input;
import io.neuropipe.gateway.config.PipelinesProperties.InputKind;
import io.neuropipe.gateway.config.PipelinesProperties.Node;
import io.neuropipe.gateway.config.PipelinesProperties.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineCatalogTest {

    @TempDir
    Path models;

    private ModelCards cards() {
        return new ModelCards(new GatewayProperties(models, "default", Duration.ofSeconds(60), Duration.ofMinutes(10),
            1 << 22, Duration.ofSeconds(30), Duration.ofSeconds(5), new GatewayProperties.Topics("neuropipe.step.", "neuropipe.jobs.results", "neuropipe.jobs.cancel"),
            new GatewayProperties.Relay(100, Duration.ofSeconds(1), Duration.ofSeconds(10), 0)));
    }

    private void card(String name, int version, String shape) throws IOException {
        Path file = models.resolve(name + "/" + version + "/model.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
            name: %s
            version: %d
            sha256: "00"
            inputs:
              - {name: eeg, role: eeg, dtype: FP32, shape: %s}
            outputs:
              - {name: out, role: embedding, dtype: FP32, shape: [-1, 4]}
            """.formatted(name, version, shape));
    }

    private static Node node(String id, Node... next) {
        return new Node(id, id, Map.of(), List.of(next));
    }

    private static PipelineCatalog catalog(ModelCards cards, Map<String, Input> inputs, Node route) {
        return new PipelineCatalog(new PipelinesProperties(Map.of("p", new Pipeline("d", inputs, route))), cards);
    }

    @Test
    void fanOutRoutesListEveryLeaf() {
        PipelineSpec p = catalog(cards(), Map.of(), node("encode", node("generate"), node("decode", node("speak"))))
            .find("p").orElseThrow();
        assertThat(p.leafIds()).containsExactly("generate", "speak");
        assertThat(p.route().getNext(1).getNext(0).getStep()).isEqualTo("speak");
    }

    @Test
    void duplicateNodeIdsFailStartUpNamingTheKey() {
        assertThatThrownBy(() -> catalog(cards(), Map.of(), node("encode", node("decode"), node("decode"))))
            .hasMessageContaining("neuropipe.pipelines.p.route.next[1].id=decode");
    }

    @Test
    void aTensorInputsModelMustHaveTheRoleWithoutAModelTheServiceChecks() throws IOException {
        // fMRI: the voxel count depends on the subject, so only the encoder can check it
        assertThat(catalog(cards(), Map.of("fmri", new Input(InputKind.TENSOR, null, null, true)), node("a")).all()).hasSize(1);
        card("enc", 1, "[-1, 3, 5]");
        assertThatThrownBy(() -> catalog(cards(), Map.of("x", new Input(InputKind.TENSOR, "enc", "pixels", true)), node("a")))
            .hasMessageContaining("neuropipe.pipelines.p.inputs.x.role=pixels");
        assertThat(catalog(cards(), Map.of("eeg", new Input(InputKind.TENSOR, "enc", null, true)), node("a")).all())
            .hasSize(1);
    }

    @Test
    void theNewestCardVersionIsUsed() throws IOException {
        ModelCards cards = cards();
        card("enc", 1, "[-1, 3, 5]");
        assertThat(cards.newest("enc").orElseThrow().input("eeg").orElseThrow().exampleShape()).containsExactly(3L, 5L);
        card("enc", 10, "[-1, 7, 5]");
        card("enc", 9, "[-1, 9, 5]");
        assertThat(cards.newest("enc").orElseThrow().version()).isEqualTo(10);
        assertThat(cards.newest("missing")).isEmpty();
    }
}

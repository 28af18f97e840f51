package io.neuropipe.runtime.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.neuropipe.runtime.config.OnnxRuntimeProperties.ExecutionProvider;

/**
 * One loaded model version: its card and a single ONNX Runtime session, created once and shared
 * by all threads (ORT sessions are safe for concurrent runs). Domain code runs it through an
 * {@link InferenceScope}, never touching the session.
 */
public final class OnnxModel implements AutoCloseable {

    private final ModelCard card;
    private final Path directory;
    private final OrtSession session;
    private final ExecutionProvider provider;
    private final Timer inferenceTimer;

    OnnxModel(ModelCard card, Path directory, OrtSession session, ExecutionProvider provider, MeterRegistry registry) {
        this.card = card;
        this.directory = directory;
        this.session = session;
        this.provider = provider;
        this.inferenceTimer = Timer.builder("neuropipe.model.inference")
            .description("Time inside ONNX Runtime per call")
            .tag("model", card.name())
            .tag("version", Integer.toString(card.version()))
            .publishPercentileHistogram()
            .register(registry);
    }

    public ModelCard card() {
        return card;
    }

    public String name() {
        return card.name();
    }

    public int version() {
        return card.version();
    }

    /** Directory holding {@code model.onnx}, {@code model.yaml} and any side files (tokenizer). */
    public Path directory() {
        return directory;
    }

    public ExecutionProvider provider() {
        return provider;
    }

    public Map<String, NodeInfo> inputInfo() throws OrtException {
        return session.getInputInfo();
    }

    public Map<String, NodeInfo> outputInfo() throws OrtException {
        return session.getOutputInfo();
    }

    /** A scope whose tensors and results are closed together when the request ends. */
    public InferenceScope scope() {
        return new InferenceScope(OrtEnvironment.getEnvironment());
    }

    /** Runs the graph on inputs keyed by role; outputs are keyed by role too. */
    OrtSession.Result run(Map<String, OnnxTensor> inputsByRole, Set<String> outputRoles) throws OrtException {
        return run(inputsByRole, outputRoles, Map.of());
    }

    /** As {@link #run(Map, Set)}, writing the outputs named in {@code pinnedByRole} into those caller-owned tensors. */
    OrtSession.Result run(Map<String, OnnxTensor> inputsByRole, Set<String> outputRoles, Map<String, OnnxTensor> pinnedByRole)
            throws OrtException {
        Map<String, OnnxTensor> byName = new LinkedHashMap<>();
        inputsByRole.forEach((role, tensor) -> byName.put(card.inputName(role), tensor));
        Set<String> outputNames = outputRoles.isEmpty() ? Collections.emptySet() : new java.util.LinkedHashSet<>();
        for (String role : outputRoles) {
            outputNames.add(card.outputName(role));
        }
        long start = System.nanoTime();
        try {
            if (!pinnedByRole.isEmpty()) {
                Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
                pinnedByRole.forEach((role, tensor) -> pinned.put(card.outputName(role), tensor));
                return session.run(byName, outputNames, pinned);
            }
            return outputNames.isEmpty() ? session.run(byName) : session.run(byName, outputNames);
        } finally {
            inferenceTimer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("Closing " + card.id() + " failed", e);
        }
    }

    @Override
    public String toString() {
        return card.id() + " on " + provider;
    }
}

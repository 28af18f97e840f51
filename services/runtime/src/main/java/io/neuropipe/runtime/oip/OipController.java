package io.neuropipe.runtime.oip;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelContractException;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.TensorSpec;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Open Inference Protocol v2 (REST) over this service's {@link ModelRepository}: server and model
 * metadata, liveness/readiness, and {@code infer} with tensors by graph name (FP32, INT64). Errors
 * are {@code {"error": "..."}} with 400 (bad request) or 404 (unknown model or version).
 */
@RestController
@RequestMapping("/v2")
class OipController implements DisposableBean {

    /** Server metadata. */
    record ServerMetadata(String name, String version, List<String> extensions) {
    }

    /** A tensor's metadata. */
    record TensorMetadata(String name, String datatype, List<Long> shape) {
    }

    /** Model metadata. */
    record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
                         List<TensorMetadata> outputs) {
    }

    private final ModelRepository models;
    private final OipProperties props;
    private final String serverName;
    private final ConcurrentMap<String, OnnxModel> pinned = new ConcurrentHashMap<>();

    OipController(ModelRepository models, OipProperties props, String serverName) {
        this.models = models;
        this.props = props;
        this.serverName = serverName;
    }

    @GetMapping
    ServerMetadata server() {
        return new ServerMetadata(serverName, "2", List.of());
    }

    @GetMapping("/health/live")
    ResponseEntity<Void> live() {
        return ResponseEntity.ok().build();
    }

    @GetMapping("/health/ready")
    ResponseEntity<Void> ready() {
        return ResponseEntity.ok().build();
    }

    @GetMapping("/models/{name}")
    ModelMetadata metadata(@PathVariable String name) {
        return metadata(name, card(name, null));
    }

    @GetMapping("/models/{name}/versions/{version}")
    ModelMetadata metadata(@PathVariable String name, @PathVariable String version) {
        return metadata(name, model(name, version).card());
    }

    @GetMapping("/models/{name}/ready")
    ResponseEntity<Void> modelReady(@PathVariable String name) {
        model(name, null);
        return ResponseEntity.ok().build();
    }

    @GetMapping("/models/{name}/versions/{version}/ready")
    ResponseEntity<Void> modelReady(@PathVariable String name, @PathVariable String version) {
        model(name, version);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/models/{name}/infer")
    OipInference.InferResponse infer(@PathVariable String name, @RequestBody JsonNode body) {
        return OipInference.infer(model(name, null), OipRequests.parse(body, props.maxElements()));
    }

    @PostMapping("/models/{name}/versions/{version}/infer")
    OipInference.InferResponse infer(@PathVariable String name, @PathVariable String version, @RequestBody JsonNode body) {
        return OipInference.infer(model(name, version), OipRequests.parse(body, props.maxElements()));
    }

    private ModelMetadata metadata(String name, ModelCard card) {
        return new ModelMetadata(name, models.versions(name).stream().map(String::valueOf).toList(), "onnxruntime_onnx",
            card.inputs().stream().map(OipController::tensor).toList(),
            card.outputs().stream().map(OipController::tensor).toList());
    }

    private static TensorMetadata tensor(TensorSpec t) {
        return new TensorMetadata(t.name(), t.dtype().name(), t.shape());
    }

    private ModelCard card(String name, String version) {
        return version == null ? known(name, () -> models.card(name)) : model(name, version).card();
    }

    /** The served version, or a named one (loaded once and kept while the service runs). */
    private OnnxModel model(String name, String version) {
        if (version == null) {
            return known(name, () -> models.model(name));
        }
        int v;
        try {
            v = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw OipException.notFound("Model " + name + " has no version '" + version + "'");
        }
        List<Integer> versions = known(name, () -> models.versions(name));
        if (!versions.contains(v)) {
            throw OipException.notFound("Model " + name + " has no version " + v + "; it has " + versions);
        }
        OnnxModel served = models.model(name);
        if (served.version() == v) {
            return served;
        }
        return pinned.computeIfAbsent(name + "/" + v, k -> models.load(name, v));
    }

    private <T> T known(String name, java.util.function.Supplier<T> lookup) {
        if (!name.matches("[A-Za-z0-9][\\w.-]*") || !models.names().contains(name)) {
            throw OipException.notFound("No model '" + name + "'");
        }
        try {
            return lookup.get();
        } catch (ModelContractException e) {
            throw OipException.notFound(e.getMessage());
        }
    }

    @ExceptionHandler
    ResponseEntity<Map<String, String>> oip(OipException e) {
        return ResponseEntity.status(e.status()).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", "The body is not valid JSON"));
    }

    @Override
    public void destroy() {
        pinned.values().forEach(OnnxModel::close);
        pinned.clear();
    }
}

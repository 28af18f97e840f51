package io.neuropipe.runtime.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param executionProvider execution provider to run models on; falls back to CPU (logged, and counted
 *                          in the metric {@code neuropipe.runtime.ep.fallback}) when it cannot be used
 * @param deviceId          GPU device ordinal for the CUDA and TensorRT providers
 * @param gpuMemLimitBytes  CUDA arena limit in bytes; 0 = no limit
 * @param cudnnExhaustiveSearch whether CUDA runs cuDNN's exhaustive convolution algorithm search
 * @param tensorrtCacheDir  directory where TensorRT keeps built engines
 * @param tensorrtFp16      whether TensorRT may use FP16 kernels
 * @param intraOpThreads    threads ONNX Runtime uses inside one operator; 0 = its default (all cores)
 * @param interOpThreads    threads for running independent operators in parallel; 0 = its default
 */
@Validated
@ConfigurationProperties("neuropipe.runtime")
public record OnnxRuntimeProperties(
        @NotNull @DefaultValue("cpu") ExecutionProvider executionProvider,
        @Min(0) @DefaultValue("0") int deviceId,
        @Min(0) @DefaultValue("0") long gpuMemLimitBytes,
        @DefaultValue("false") boolean cudnnExhaustiveSearch,
        @DefaultValue("") String tensorrtCacheDir,
        @DefaultValue("false") boolean tensorrtFp16,
        @Min(0) @DefaultValue("0") int intraOpThreads,
        @Min(0) @DefaultValue("0") int interOpThreads) {

    /** Execution providers NeuroPipe knows how to configure. */
    public enum ExecutionProvider { CPU, CUDA, TENSORRT }

    public static OnnxRuntimeProperties defaults() {
        return new OnnxRuntimeProperties(ExecutionProvider.CPU, 0, 0, false, "", false, 0, 0);
    }
}

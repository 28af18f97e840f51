package io.neuropipe.runtime.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties.ExecutionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds session options for the configured execution provider, falling back to CPU when it is unavailable. */
public final class ExecutionProviders {

    private static final Logger log = LoggerFactory.getLogger(ExecutionProviders.class);

    private final OnnxRuntimeProperties props;
    private final Supplier<OrtSession.SessionOptions> newOptions;
    private final AtomicInteger fallbacks = new AtomicInteger();

    public ExecutionProviders(OnnxRuntimeProperties props) {
        this(props, OrtSession.SessionOptions::new);
    }

    /** With the options factory replaceable, so tests can see what is set on the options. */
    ExecutionProviders(OnnxRuntimeProperties props, Supplier<OrtSession.SessionOptions> newOptions) {
        this.props = props;
        this.newOptions = newOptions;
    }

    /** Session options for one model; {@link Selection#activeProvider} tells which provider it got. */
    public Selection options(String modelId) throws OrtException {
        OrtSession.SessionOptions options = cpuOptions();
        ExecutionProvider wanted = props.executionProvider();
        try {
            switch (wanted) {
                case CUDA -> options.addCUDA(cudaOptions());
                case TENSORRT -> {
                    options.addTensorrt(tensorrtOptions());
                    options.addCUDA(cudaOptions());
                }
                case CPU -> { }
            }
            return new Selection(options, wanted);
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            fallbacks.incrementAndGet();
            log.warn("Execution provider {} is not available for model {} ({}); running it on CPU",
                wanted, modelId, e.getMessage());
            options.close();
            return new Selection(cpuOptions(), ExecutionProvider.CPU);
        }
    }

    /** Options with the optimisation level and thread settings, before any execution provider is added. */
    private OrtSession.SessionOptions cpuOptions() throws OrtException {
        OrtSession.SessionOptions options = newOptions.get();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (props.intraOpThreads() > 0) {
            options.setIntraOpNumThreads(props.intraOpThreads());
        }
        if (props.interOpThreads() > 0) {
            options.setInterOpNumThreads(props.interOpThreads());
        }
        return options;
    }

    private OrtCUDAProviderOptions cudaOptions() throws OrtException {
        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(props.deviceId());
        if (props.gpuMemLimitBytes() > 0) {
            cuda.add("gpu_mem_limit", Long.toString(props.gpuMemLimitBytes()));
        }
        cuda.add("cudnn_conv_algo_search", props.cudnnExhaustiveSearch() ? "EXHAUSTIVE" : "HEURISTIC");
        return cuda;
    }

    private OrtTensorRTProviderOptions tensorrtOptions() throws OrtException {
        OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(props.deviceId());
        if (!props.tensorrtCacheDir().isBlank()) {
            trt.add("trt_engine_cache_enable", "1");
            trt.add("trt_engine_cache_path", props.tensorrtCacheDir());
        }
        trt.add("trt_fp16_enable", props.tensorrtFp16() ? "1" : "0");
        return trt;
    }

    /** Number of sessions that fell back to CPU. */
    public int fallbackCount() {
        return fallbacks.get();
    }

    /** Session options and the provider they run on. */
    public record Selection(OrtSession.SessionOptions options, ExecutionProvider activeProvider) {
    }
}

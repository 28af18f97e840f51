package io.neuropipe.encoder.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.encoder.config.EncoderProperties;
import io.neuropipe.encoder.input.EegInputReader;
import io.neuropipe.encoder.input.EegModelSpec;
import io.neuropipe.runtime.model.ModelRepository;
import org.springframework.stereotype.Component;

/** The EEG encoders by variant, each with the input reader its card describes. */
@Component
public class EegEncoders implements AutoCloseable {

    private final EegEncoderEngine deep;
    private final EegEncoderEngine ridge;
    private final EegInputReader deepReader;
    private final EegInputReader ridgeReader;

    public EegEncoders(ModelRepository models, EncoderProperties props, MeterRegistry registry) {
        this.deep = new EegEncoderEngine(models, props.eegModel(), props, registry);
        this.ridge = new EegEncoderEngine(models, props.eegRidgeModel(), props, registry);
        this.deepReader = new EegInputReader(EegModelSpec.of(deep.card()));
        this.ridgeReader = new EegInputReader(EegModelSpec.of(ridge.card()));
    }

    public EegEncoderEngine engine(EncoderVariant v) {
        return v == EncoderVariant.DEEP ? deep : ridge;
    }

    public EegInputReader reader(EncoderVariant v) {
        return v == EncoderVariant.DEEP ? deepReader : ridgeReader;
    }

    @Override
    public void close() {
        deep.close();
        ridge.close();
    }
}

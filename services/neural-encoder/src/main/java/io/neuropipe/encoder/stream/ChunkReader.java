package io.neuropipe.encoder.stream;

import java.util.Arrays;
import java.util.List;

import io.neuropipe.encoder.domain.ChannelMatcher;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.EegChunk;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.tensor.Tensors;

/**
 * Checks an {@link EegChunk} before windowing: rate, channels against the encoder's montage, shape,
 * finite values. Remembers the last channel list it accepted, so the chunks of a stream are matched
 * to the montage once, not per chunk. Not thread-safe (one per consumer thread).
 */
final class ChunkReader {

    /** A checked chunk: channel-major [channels, samples]. */
    record Samples(int samples, float[] data) {
    }

    private final ChannelMatcher montage;
    private List<String> accepted = List.of();

    ChunkReader(List<String> montage) {
        this.montage = new ChannelMatcher(montage);
    }

    Samples read(EegChunk chunk) {
        if (!(chunk.getSampleRate() > 0) || Double.isInfinite(chunk.getSampleRate())) {
            throw new InvalidInputException("sample_rate must be positive, got " + chunk.getSampleRate());
        }
        int channels = chunk.getChannelNamesCount();
        if (channels == 0) {
            throw new InvalidInputException("channel_names is empty");
        }
        List<String> names = chunk.getChannelNamesList();
        if (!names.equals(accepted)) {
            montage.indices(names);
            accepted = List.copyOf(names);
        }
        long[] shape = Tensors.shape(chunk.getSamples());
        if (chunk.getSamples().getDtype() != DataType.FP32 || shape.length != 2 || shape[0] != channels || shape[1] < 1) {
            throw new InvalidInputException("samples must be FP32 [" + channels + ", n >= 1] (one row per channel name) but is "
                + chunk.getSamples().getDtype() + " " + Arrays.toString(shape));
        }
        float[] data = Tensors.toFloats(chunk.getSamples());
        Tensors.requireFinite(data, "EEG chunk");
        return new Samples((int) shape[1], data);
    }
}

package io.neuropipe.local;

import java.nio.file.Path;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/** Sample inputs for the benchmarks (which live in another package). */
public final class BenchSamples {

    private BenchSamples() {
    }

    public static float[] eegTrial(Path root) {
        return Samples.eegTrial("eeg_sub-01_trials.npy", 0, 63, 250);
    }

    /** JSON body of an {@code eeg-encode} job for one 63 x 250 trial, with string-valued params. */
    public static String eegEncodeJob(float[] trial, Map<String, String> params) {
        var body = JsonMapper.builder().build().createObjectNode().put("pipeline", "eeg-encode");
        var eeg = body.putObject("inputs").putObject("eeg").put("datatype", "FP32");
        eeg.putArray("shape").add(63).add(250);
        var data = eeg.putArray("data");
        for (float v : trial) {
            data.add(v);
        }
        var p = body.putObject("params");
        params.forEach(p::put);
        return body.toString();
    }
}

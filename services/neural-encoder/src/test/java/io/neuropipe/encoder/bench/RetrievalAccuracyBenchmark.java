package io.neuropipe.encoder.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.neuropipe.encoder.EncoderFixture;
import io.neuropipe.encoder.io.FloatNdArray;
import io.neuropipe.encoder.io.InputLimits;
import io.neuropipe.encoder.io.NpyReader;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.step.PartialOutputSink;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.tensor.Tensors;

/**
 * Zero-shot retrieval on the zoo's held-out set through the service's encode path (Java readers,
 * pre-processing, subjects registry and ONNX graphs; no Python): k-way top-1/top-5 for k = 50 and
 * 200, EEG (deep with subject token, deep subject-agnostic, ridge) and fMRI (deep, ridge), compared
 * with the numbers in the model cards. Test trials are repetition-averaged as in the zoo's evaluation;
 * image targets are the image-encoder's embeddings of the test stimuli.
 *
 * <p>k = 200 = all test stimuli is deterministic, so it must equal the card. For k = 50 the zoo draws
 * 30 random candidate sets per trial; here the exact expectation over all candidate sets is computed
 * (hypergeometric), which the card's 30-draw estimate approximates.
 *
 * <p>Data: {@code python -m neuropipe_zoo.neuroshapes --seed 0 --out DIR} (the training seed: its
 * {@code test} split is the held-out set). Run with {@code data=DIR}.
 */
public final class RetrievalAccuracyBenchmark {

    private static final double[] MEAN = {0.5, 0.5, 0.5};
    private static final double[] STD = {0.25, 0.25, 0.25};

    private RetrievalAccuracyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        Path data = Path.of(a.getOrDefault("data", "/tmp/neuroshapes-seed0"));
        NpyReader npy = new NpyReader(new InputLimits(4L << 30, 1L << 30));
        List<String[]> rows = new ArrayList<>();
        boolean ok = true;
        try (EncoderFixture fx = new EncoderFixture()) {
            float[][] targets = imageTargets(fx, npy.read(data.resolve("test_images.npy")));
            ModelCard eegCard = fx.models.card("eeg-encoder");
            ModelCard ridgeCard = fx.models.card("eeg-ridge");
            ModelCard fmriCard = fx.models.card("fmri-translator");
            Map<String, List<double[]>> eeg = new LinkedHashMap<>();
            for (int s = 0; s < 4; s++) {
                float[] trials = meanOverReps(npy.read(data.resolve(String.format("eeg_sub%02d_test.npy", s))));
                String subject = String.format("sub-%02d", s + 1);
                eeg.computeIfAbsent("deep", k -> new ArrayList<>()).add(scores(encode(fx, "eeg", trials,
                    Map.of("subject", subject)), targets));
                eeg.computeIfAbsent("deep_subject_agnostic", k -> new ArrayList<>()).add(scores(encode(fx, "eeg", trials,
                    Map.of()), targets));
                eeg.computeIfAbsent("ridge", k -> new ArrayList<>()).add(scores(encode(fx, "eeg", trials,
                    Map.of("model", "ridge")), targets));
            }
            ok &= compare(rows, "EEG deep (subject token)", eeg.get("deep"), section(eegCard, "deep"));
            ok &= compare(rows, "EEG deep (subject-agnostic)", eeg.get("deep_subject_agnostic"), section(eegCard, "deep_subject_agnostic"));
            ok &= compare(rows, "EEG ridge", eeg.get("ridge"), section(ridgeCard, null));
            Map<String, List<double[]>> fmri = new LinkedHashMap<>();
            for (int s = 0; s < 4; s++) {
                float[] vectors = meanOverReps(npy.read(data.resolve(String.format("fmri_subj%02d_test.npy", s + 1))));
                String subject = String.format("subj%02d", s + 1);
                fmri.computeIfAbsent("deep", k -> new ArrayList<>()).add(scores(encode(fx, "fmri", vectors,
                    Map.of("subject", subject)), targets));
                fmri.computeIfAbsent("ridge", k -> new ArrayList<>()).add(scores(encode(fx, "fmri", vectors,
                    Map.of("subject", subject, "model", "ridge")), targets));
            }
            ok &= compare(rows, "fMRI deep (adapter + translator)", fmri.get("deep"), section(fmriCard, "deep"));
            ok &= compare(rows, "fMRI ridge", fmri.get("ridge"), section(fmriCard, "ridge"));
        }
        System.out.println("| encoder | 50-way top-1 | 50-way top-5 | 200-way top-1 | 200-way top-5 | card (same order) | match |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String[] r : rows) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
        System.out.println(ok ? "ALL MATCH" : "MISMATCH");
        System.exit(ok ? 0 : 1);
    }

    /** Trials [n, reps, ...] -> their mean over repetitions [n, ...], flattened. */
    static float[] meanOverReps(FloatNdArray x) {
        int n = x.dim(0);
        int reps = x.dim(1);
        int per = x.data().length / (n * reps);
        float[] out = new float[n * per];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < per; k++) {
                float sum = 0;
                for (int r = 0; r < reps; r++) {
                    sum += x.data()[(i * reps + r) * per + k];
                }
                out[i * per + k] = sum / reps;
            }
        }
        return out;
    }

    /** Encodes n trials / vectors through the encode step; returns [n][E]. */
    static float[][] encode(EncoderFixture fx, String artifact, float[] flat, Map<String, String> params) {
        long[] shape = artifact.equals("eeg") ? new long[] {flat.length / (63 * 250), 63, 250} : new long[] {200, flat.length / 200};
        RouteNode node = RouteNode.newBuilder().setId("encode").setStep("encode").putAllParams(params).build();
        StepEnvelope env = StepEnvelope.newBuilder().setJobId("bench").setRoute(node).setCurrentStepId("encode")
            .putArtifacts(artifact, Artifact.newBuilder().setName(artifact).setTensor(Tensors.ofFloats(flat, shape)).build()).build();
        var out = fx.step.handle(new StepInput(env, node, PartialOutputSink.NONE, new StageTimings()));
        float[] e = Tensors.toFloats(out.artifacts().get(0).getTensor());
        int n = (int) shape[0];
        int dim = e.length / n;
        float[][] rows = new float[n][dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(e, i * dim, rows[i], 0, dim);
        }
        return rows;
    }

    /** The image encoder's embeddings of uint8 images [n, 32, 32, 3] (the zoo's normalisation). */
    static float[][] imageTargets(EncoderFixture fx, FloatNdArray images) {
        OnnxModel model = fx.models.model("image-encoder");
        int n = images.dim(0);
        int h = images.dim(1);
        int w = images.dim(2);
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += 50) {
            int b = Math.min(50, n - start);
            float[] x = new float[b * 3 * h * w];
            for (int i = 0; i < b; i++) {
                for (int c = 0; c < 3; c++) {
                    for (int p = 0; p < h * w; p++) {
                        float v = images.data()[((start + i) * h * w + p) * 3 + c] / 255f;
                        x[((i * 3 + c) * h * w) + p] = (float) ((v - MEAN[c]) / STD[c]);
                    }
                }
            }
            try (InferenceScope scope = model.scope()) {
                float[] e = scope.run(model, Map.of("pixel_values", scope.floats(x, b, 3, h, w)), java.util.Set.of("embedding"))
                    .floats("embedding");
                int dim = e.length / b;
                for (int i = 0; i < b; i++) {
                    out[start + i] = java.util.Arrays.copyOfRange(e, i * dim, (i + 1) * dim);
                }
            }
        }
        return out;
    }

    /** [50-way top-1, 50-way top-5, 200-way top-1, 200-way top-5] of predictions against targets (row i matches target i). */
    static double[] scores(float[][] pred, float[][] target) {
        int n = pred.length;
        double[] s = new double[4];
        for (int i = 0; i < n; i++) {
            double own = dot(pred[i], target[i]);
            int better = 0;
            for (int j = 0; j < n; j++) {
                if (j != i && dot(pred[i], target[j]) > own) {
                    better++;
                }
            }
            s[0] += topK(n - 1, better, 49, 1);
            s[1] += topK(n - 1, better, 49, 5);
            s[2] += better < 1 ? 1 : 0;
            s[3] += better < 5 ? 1 : 0;
        }
        for (int k = 0; k < 4; k++) {
            s[k] /= n;
        }
        return s;
    }

    /** P(fewer than t of {@code draw} others drawn without replacement from {@code pool} beat the true item), {@code better} of the pool beating it. */
    static double topK(int pool, int better, int draw, int t) {
        double p = 0;
        for (int j = 0; j < t && j <= better; j++) {
            p += Math.exp(logChoose(better, j) + logChoose(pool - better, draw - j) - logChoose(pool, draw));
        }
        return p;
    }

    static double logChoose(int n, int k) {
        if (k < 0 || k > n) {
            return Double.NEGATIVE_INFINITY;
        }
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> section(ModelCard card, String key) {
        Map<String, Object> heldout = (Map<String, Object>) card.evaluation().get("heldout");
        return key == null ? heldout : (Map<String, Object>) heldout.get(key);
    }

    /** Mean over subjects vs the card: 200-way exactly (card rounding), 50-way within the card's 30-draw sampling noise. */
    static boolean compare(List<String[]> rows, String name, List<double[]> perSubject, Map<String, Object> card) {
        double[] mean = new double[4];
        for (double[] s : perSubject) {
            for (int k = 0; k < 4; k++) {
                mean[k] += s[k] / perSubject.size();
            }
        }
        String[] keys = {"50way_top1", "50way_top5", "200way_top1", "200way_top5"};
        double[] tol = {0.01, 0.01, 0.0051, 0.0051};
        boolean ok = true;
        StringBuilder c = new StringBuilder();
        for (int k = 0; k < 4; k++) {
            double v = ((Number) card.get(keys[k])).doubleValue();
            ok &= Math.abs(v - mean[k]) <= tol[k];
            c.append(k == 0 ? "" : " / ").append(String.format("%.4f", v));
        }
        rows.add(new String[] {name, f(mean[0]), f(mean[1]), f(mean[2]), f(mean[3]), c.toString(), ok ? "yes" : "**no**"});
        return ok;
    }

    private static String f(double v) {
        return String.format("%.4f", v);
    }
}

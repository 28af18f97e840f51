package io.neuropipe.encoder.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.google.protobuf.ByteString;
import io.neuropipe.encoder.EncoderFixture;
import io.neuropipe.encoder.domain.EegTrial;
import io.neuropipe.encoder.engine.EegEncoderEngine;
import io.neuropipe.encoder.engine.EncoderVariant;
import io.neuropipe.encoder.io.EdfReader;
import io.neuropipe.encoder.io.NpyReader;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.PartialOutputSink;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The encode step as a plain function over the zoo's trained encoders and the files the zoo's generator wrote. */
class EncodeStepTest {

    static final Path SAMPLES = EncoderFixture.SAMPLES;
    static EncoderFixture fx;

    @BeforeAll
    static void load() {
        fx = new EncoderFixture();
    }

    @AfterAll
    static void close() {
        fx.close();
    }

    static float[] trial(int index) {
        return new NpyReader().read(SAMPLES.resolve("eeg_sub-01_trials.npy")).slice(index);
    }

    static byte[] file(String name) throws Exception {
        return Files.readAllBytes(SAMPLES.resolve(name));
    }

    /** A file as the step receives it inline: a rank-1 UINT8 tensor. */
    static Artifact fileArtifact(String name, byte[] bytes) {
        return Artifact.newBuilder().setName(name).setTensor(Tensor.newBuilder().setDtype(DataType.UINT8)
            .addShape(bytes.length).setRawData(ByteString.copyFrom(bytes))).build();
    }

    static Artifact tensorArtifact(String name, float[] data, long... shape) {
        return Artifact.newBuilder().setName(name).setTensor(Tensors.ofFloats(data, shape)).build();
    }

    static StepOutput run(Map<String, String> params, Artifact... artifacts) {
        RouteNode node = RouteNode.newBuilder().setId("encode").setStep("encode").putAllParams(params).build();
        StepEnvelope.Builder envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("encode");
        for (Artifact a : artifacts) {
            envelope.putArtifacts(a.getName(), a);
        }
        return fx.step.handle(new StepInput(envelope.build(), node, PartialOutputSink.NONE, new StageTimings()));
    }

    static float[] embedding(StepOutput out) {
        return Tensors.toFloats(out.artifacts().get(0).getTensor());
    }

    static long[] shape(StepOutput out) {
        return Tensors.shape(out.artifacts().get(0).getTensor());
    }

    static void assertClose(float[] a, float[] b, float tol) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(b[i], within(tol));
        }
    }

    // ---------------------------------------------------------------------------------------- EEG

    @Test
    void encodesATrialIntoAUnitLengthEmbedding() {
        StepOutput out = run(Map.of("subject", "sub-01"), tensorArtifact("eeg", trial(0), 63, 250));
        float[] e = embedding(out);
        assertThat(shape(out)).containsExactly(128);
        double norm = 0;
        for (float v : e) {
            norm += v * v;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));
        assertThat(out.provenance()).containsEntry("encode.model", "eeg-encoder/1").containsEntry("encode.trained", "true")
            .containsEntry("encode.subject", "sub-01").containsEntry("encode.modality", "eeg");
    }

    @Test
    void anNpyFileOfTrialsGivesOneEmbeddingPerTrialEqualToEncodingEachAlone() throws Exception {
        StepOutput out = run(Map.of("subject", "sub-01"), fileArtifact("eeg", file("eeg_sub-01_trials.npy")));
        assertThat(shape(out)).containsExactly(12, 128);
        float[] all = embedding(out);
        for (int i : new int[] {0, 7, 11}) {
            float[] alone = embedding(run(Map.of("subject", "sub-01"), tensorArtifact("eeg", trial(i), 1, 63, 250)));
            assertClose(Arrays.copyOfRange(all, i * 128, (i + 1) * 128), alone, 1e-5f);
        }
    }

    @Test
    void channelsAreMatchedByNameWhateverTheirOrderAndExtraChannelsAreDropped() {
        List<String> montage = fx.eeg.reader(EncoderVariant.DEEP).spec().montage();
        float[] x = trial(2);
        List<String> names = new ArrayList<>(montage);
        java.util.Collections.reverse(names);
        names.add("EOG");
        float[] shuffled = new float[64 * 250];
        for (int r = 0; r < 63; r++) {
            int source = montage.indexOf(names.get(r));
            System.arraycopy(x, source * 250, shuffled, r * 250, 250);
        }
        Arrays.fill(shuffled, 63 * 250, 64 * 250, 123f);
        float[] reordered = embedding(run(Map.of("channels", String.join(",", names)), tensorArtifact("eeg", shuffled, 64, 250)));
        assertClose(reordered, embedding(run(Map.of(), tensorArtifact("eeg", x, 63, 250))), 1e-5f);
    }

    @Test
    void aTrialAtTwiceTheRateIsResampledToTheModelRate() {
        float[] x = trial(4);
        float[] up = new float[63 * 500];
        for (int c = 0; c < 63; c++) {
            for (int k = 0; k < 500; k++) {
                int i = k / 2;
                float a = x[c * 250 + i];
                float b = x[c * 250 + Math.min(i + 1, 249)];
                up[c * 500 + k] = k % 2 == 0 ? a : (a + b) / 2;
            }
        }
        float[] direct = embedding(run(Map.of(), tensorArtifact("eeg", x, 63, 250)));
        float[] resampled = embedding(run(Map.of("sample_rate", "500"), tensorArtifact("eeg", up, 63, 500)));
        double cos = 0;
        for (int i = 0; i < direct.length; i++) {
            cos += direct[i] * resampled[i];
        }
        assertThat(cos).isGreaterThan(0.95);
    }

    @Test
    void ridgeIsSelectableAndSubjectIndependent() {
        StepOutput ridge = run(Map.of("model", "ridge", "subject", "sub-02"), tensorArtifact("eeg", trial(0), 63, 250));
        assertThat(ridge.provenance()).containsEntry("encode.model", "eeg-ridge/1").containsEntry("encode.variant", "ridge")
            .containsEntry("encode.subject", "independent");
        float[] deep = embedding(run(Map.of(), tensorArtifact("eeg", trial(0), 63, 250)));
        assertThat(embedding(ridge)).hasSize(128).isNotEqualTo(deep);
    }

    @Test
    void anEdfRecordingIsCutIntoEpochsAtItsAnnotations() throws Exception {
        StepOutput out = run(Map.of("subject", "sub-01"), fileArtifact("eeg", file("eeg_sub-01_run-01.edf")));
        assertThat(shape(out)).containsExactly(12, 128);
        Artifact onsets = out.artifacts().get(1);
        assertThat(onsets.getName()).isEqualTo("onsets");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"onset_s\": ([0-9.]+)")
            .matcher(Files.readString(SAMPLES.resolve("index.json")));
        float[] t = Tensors.toFloats(onsets.getTensor());
        for (int i = 0; i < 12; i++) {
            assertThat(m.find()).isTrue();
            assertThat((double) t[i]).isCloseTo(Double.parseDouble(m.group(1)), within(1e-4));
        }
        assertThat(onsets.getMetadataOrThrow("labels")).startsWith("stim/00,stim/01,");

        // The same epochs cut by hand from the decoded recording, encoded as trials.
        var rec = new EdfReader().read(SAMPLES.resolve("eeg_sub-01_run-01.edf")).toEeg();
        float[] all = embedding(out);
        for (int i : new int[] {0, 5, 11}) {
            int s0 = (int) Math.rint(t[i] * 250);
            float[] epoch = new float[63 * 250];
            for (int c = 0; c < 63; c++) {
                System.arraycopy(rec.data(), c * rec.samples() + s0, epoch, c * 250, 250);
            }
            float[] alone = embedding(run(Map.of("subject", "sub-01"), tensorArtifact("eeg", epoch, 63, 250)));
            assertClose(Arrays.copyOfRange(all, i * 128, (i + 1) * 128), alone, 1e-5f);
        }
        // Onsets given as a parameter cut the same epochs.
        StringBuilder given = new StringBuilder();
        for (float v : t) {
            given.append(given.isEmpty() ? "" : ",").append(v);
        }
        float[] byParam = embedding(run(Map.of("subject", "sub-01", "onsets", given.toString()),
            fileArtifact("eeg", file("eeg_sub-01_run-01.edf"))));
        assertClose(byParam, all, 1e-5f);
    }

    @Test
    void batchedEncodingEqualsOneAtATime() {
        EegEncoderEngine engine = fx.eeg.engine(EncoderVariant.DEEP);
        List<float[]> trials = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            trials.add(trial(i));
        }
        List<float[]> alone = new ArrayList<>();
        for (float[] t : trials) {
            alone.add(engine.encode(new EegTrial(t, 0)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<CompletableFuture<float[]>> together = trials.stream()
            .map(t -> CompletableFuture.supplyAsync(() -> engine.encode(new EegTrial(t, 0)), pool)).toList();
        for (int i = 0; i < trials.size(); i++) {
            assertClose(together.get(i).join(), alone.get(i), 1e-5f);
        }
        pool.shutdown();
    }

    @Test
    void badEegInputsAreClearErrors() throws Exception {
        assertThatThrownBy(() -> run(Map.of(), tensorArtifact("eeg", new float[62 * 250], 62, 250)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("62 channels").hasMessageContaining("'channels'")
            .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.SHAPE_MISMATCH));
        List<String> names = new ArrayList<>(fx.eeg.reader(EncoderVariant.DEEP).spec().montage());
        names.set(3, "X1");
        names.set(60, "X2");
        assertThatThrownBy(() -> run(Map.of("channels", String.join(",", names)), tensorArtifact("eeg", trial(0), 63, 250)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing 2 of the model's 63 channels: [AF3, PO8]");
        float[] nan = trial(0);
        nan[300] = Float.NaN;
        assertThatThrownBy(() -> run(Map.of(), tensorArtifact("eeg", nan, 63, 250)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("EEG channel Fp2 has NaN at sample 50");
        assertThatThrownBy(() -> run(Map.of("sample_rate", "500"), tensorArtifact("eeg", trial(0), 63, 250)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("covers 0.0..0.5 s but the model needs 0.0..1.0 s");
        assertThatThrownBy(() -> run(Map.of("subject", "sub-99"), tensorArtifact("eeg", trial(0), 63, 250)))
            .hasMessageContaining("Unknown subject 'sub-99'")
            .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        byte[] edf = file("eeg_sub-01_run-01.edf");
        assertThatThrownBy(() -> run(Map.of(), fileArtifact("eeg", Arrays.copyOf(edf, edf.length / 2))))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("eeg");
        byte[] npy = file("eeg_sub-01_trials.npy");
        assertThatThrownBy(() -> run(Map.of(), fileArtifact("eeg", Arrays.copyOf(npy, npy.length - 10))))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> run(Map.of("onsets", "1.0,99.0"), fileArtifact("eeg", edf)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("at 99.0 s");
        assertThatThrownBy(() -> run(Map.of(), fileArtifact("eeg", "hello, not a file".getBytes())))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown magic number");
        assertThatThrownBy(() -> run(Map.of("model", "lstm"), tensorArtifact("eeg", trial(0), 63, 250)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("'deep' or 'ridge'");
    }

    // --------------------------------------------------------------------------------------- fMRI

    static float[] betas(String file, int row) {
        return new NpyReader().read(SAMPLES.resolve(file)).slice(row);
    }

    @Test
    void aNiftiVolumeThroughItsMaskEncodesLikeItsVoxelVector() throws Exception {
        StepOutput fromVolume = run(Map.of("subject", "subj01"), fileArtifact("fmri", file("fmri_subj01_stim00_bold.nii.gz")),
            fileArtifact("mask", file("fmri_subj01_mask.nii.gz")));
        StepOutput fromVector = run(Map.of("subject", "subj01"), tensorArtifact("fmri", betas("fmri_subj01_betas.npy", 0), 2642));
        assertThat(shape(fromVolume)).containsExactly(128);
        assertClose(embedding(fromVolume), embedding(fromVector), 1e-5f);
        assertThat(fromVolume.provenance()).containsEntry("encode.model", "fmri-adapter-subj01/1")
            .containsEntry("encode.modality", "fmri").containsEntry("encode.subject", "subj01");
    }

    @Test
    void anHdf5DatasetRowAndAnNpyFileOfVectorsEncodeLikeTheVectors() throws Exception {
        byte[] h5 = Files.readAllBytes(Path.of("src/test/resources/fmri/subj01_betas.h5"));
        float[] row3 = embedding(run(Map.of("subject", "subj01", "dataset", "/nsd/betas", "index", "3"), fileArtifact("fmri", h5)));
        float[] vec3 = embedding(run(Map.of("subject", "subj01"), tensorArtifact("fmri", betas("fmri_subj01_betas.npy", 3), 2642)));
        assertClose(row3, vec3, 1e-5f);
        StepOutput all = run(Map.of("subject", "subj01"), fileArtifact("fmri", file("fmri_subj01_betas.npy")));
        assertThat(shape(all)).containsExactly(12, 128);
        assertClose(Arrays.copyOfRange(embedding(all), 3 * 128, 4 * 128), vec3, 1e-5f);
        StepOutput whole = run(Map.of("subject", "subj01", "dataset", "/nsd/betas", "modality", "fmri"), fileArtifact("fmri", h5));
        assertClose(embedding(whole), embedding(all), 1e-5f);
    }

    @Test
    void fmriRidgeIsSelectable() {
        StepOutput ridge = run(Map.of("subject", "subj02", "model", "ridge"), tensorArtifact("fmri", betas("fmri_subj02_betas.npy", 0), 2522));
        assertThat(ridge.provenance()).containsEntry("encode.model", "fmri-ridge-subj02/1").containsEntry("encode.variant", "ridge");
        assertThat(embedding(ridge)).hasSize(128);
    }

    @Test
    void badFmriInputsAreClearErrors() throws Exception {
        assertThatThrownBy(() -> run(Map.of("subject", "subj01"), tensorArtifact("fmri", betas("fmri_subj02_betas.npy", 0), 2522)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("2522 voxels but the subject has 2642");
        assertThatThrownBy(() -> run(Map.of("subject", "subj09"), tensorArtifact("fmri", new float[10], 10)))
            .hasMessageContaining("Unknown subject 'subj09'").hasMessageContaining("subj01")
            .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> run(Map.of(), tensorArtifact("fmri", new float[10], 10)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs param 'subject'");
        float[] inf = betas("fmri_subj01_betas.npy", 0);
        inf[7] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> run(Map.of("subject", "subj01"), tensorArtifact("fmri", inf, 2642)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("Infinity at index 7");
        byte[] volume = file("fmri_subj01_stim00_bold.nii.gz");
        assertThatThrownBy(() -> run(Map.of("subject", "subj01"), fileArtifact("fmri", volume)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("mask");
        assertThatThrownBy(() -> run(Map.of("subject", "subj01"), fileArtifact("fmri", volume),
            fileArtifact("mask", mask(40, 48, 23))))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("[40, 48, 23]").hasMessageContaining("[40, 48, 24]");
        assertThatThrownBy(() -> run(Map.of("subject", "subj01"), fileArtifact("fmri", Arrays.copyOf(volume, volume.length / 2)),
            fileArtifact("mask", file("fmri_subj01_mask.nii.gz"))))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("fmri");
        byte[] h5 = Files.readAllBytes(Path.of("src/test/resources/fmri/subj01_betas.h5"));
        assertThatThrownBy(() -> run(Map.of("subject", "subj01", "dataset", "/nsd/betas", "index", "0"),
            fileArtifact("fmri", Arrays.copyOf(h5, h5.length / 3))))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("fmri");
        assertThatThrownBy(() -> run(Map.of("subject", "subj01", "dataset", "/nsd/nothing"), fileArtifact("fmri", h5)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("/nsd/nothing");
        assertThatThrownBy(() -> run(Map.of("subject", "sub-01", "modality", "fmri"), tensorArtifact("fmri", new float[10], 10)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("is a eeg subject");
    }

    /** An all-ones uint8 NIfTI-1 mask of the given shape. */
    static byte[] mask(int x, int y, int z) {
        ByteBuffer b = ByteBuffer.allocate(352 + x * y * z).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 348);
        short[] dim = {3, (short) x, (short) y, (short) z, 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) {
            b.putShort(40 + 2 * i, dim[i]);
        }
        b.putShort(70, (short) 2);
        b.putShort(72, (short) 8);
        b.putFloat(76, 1f);
        b.putFloat(108, 352f);
        b.put(344, "n+1\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, 4);
        for (int i = 352; i < b.capacity(); i++) {
            b.put(i, (byte) 1);
        }
        return b.array();
    }

    static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}

package io.neuropipe.encoder.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.neuropipe.encoder.config.GalleryProperties;
import io.neuropipe.encoder.gallery.GalleryNotFoundException;
import io.neuropipe.encoder.gallery.GalleryService;
import io.neuropipe.encoder.gallery.GalleryStore;
import io.neuropipe.encoder.gallery.GalleryTenants;
import io.neuropipe.encoder.gallery.RetrievalHit;
import io.neuropipe.encoder.gallery.RetrievalJson;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Step {@code retrieve}: artifact {@code embedding} (from {@code encode}; one [dim] or [1, dim], or
 * a batch [n, dim] such as an EDF recording's epochs) + params {@code gallery} (default: the zoo
 * gallery) and {@code k} -> artifact {@code retrieval} (JSON text: hits with rank, id, label, cosine
 * score and thumbnail path; for a batch one {@code {row, hits}} per row under {@code rows}),
 * {@code retrieved} (the best hit's thumbnail, PNG; for a batch the best over all rows, its row in the
 * metadata) and {@code retrieval_scores} (FP32 [hits], for a batch [n, hits]).
 * The gallery is the job tenant's own of that name, else the shared one; another tenant's is never found.
 */
@Component
public class RetrieveStep implements StepHandler {

    private final GalleryService galleries;
    private final GalleryStore store;
    private final GalleryProperties props;
    private final GalleryTenants tenants;

    public RetrieveStep(GalleryService galleries, GalleryStore store, GalleryProperties props, GalleryTenants tenants) {
        this.galleries = galleries;
        this.store = store;
        this.props = props;
        this.tenants = tenants;
    }

    @Override
    public String step() {
        return "retrieve";
    }

    @Override
    public StepOutput handle(StepInput input) {
        String gallery = input.params().string("gallery", props.defaultGallery());
        int k = input.params().integer("k", props.defaultK(), 1, props.maxK());
        Tensor embedding = input.requireTensor("embedding");
        int rows = input.timings().preprocess(() -> rows(embedding));
        float[] queries = input.timings().preprocess(() -> Tensors.toFloats(embedding));
        String tenant = tenants.resolve(input.tenant());
        if (rows == 1) {
            GalleryService.SearchResult result = input.timings().inference(() -> galleries.search(tenant, gallery, queries, k));
            List<Artifact> artifacts = input.timings().postprocess(() -> artifacts(result));
            return output(artifacts, result.gallery(), result.version(), k, 1);
        }
        GalleryService.BatchSearchResult result = input.timings().inference(() -> galleries.searchAll(tenant, gallery, queries, rows, k));
        List<Artifact> artifacts = input.timings().postprocess(() -> artifacts(result));
        return output(artifacts, result.gallery(), result.version(), k, rows);
    }

    /** 1 for one embedding ([dim] or [1, dim]), n for a batch [n, dim] (one hit list per row); other shapes are refused. */
    private static int rows(Tensor t) {
        long[] shape = Tensors.shape(t);
        if (shape.length == 0 || shape.length > 2 || (shape.length == 2 && (shape[0] < 1 || shape[0] > Integer.MAX_VALUE))) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "retrieve takes one embedding [dim] or a batch [n, dim], but got "
                + java.util.Arrays.toString(shape));
        }
        return shape.length == 1 ? 1 : (int) shape[0];
    }

    private static StepOutput output(List<Artifact> artifacts, String gallery, long version, int k, int rows) {
        return new StepOutput(artifacts, Map.of("retrieve.gallery", gallery, "retrieve.gallery_version", Long.toString(version),
            "retrieve.k", Integer.toString(k), "retrieve.rows", Integer.toString(rows)));
    }

    private List<Artifact> artifacts(GalleryService.SearchResult result) {
        List<Artifact> out = new ArrayList<>(3);
        out.add(retrievalJson(RetrievalJson.toJson(result), result.gallery()));
        out.add(scores(List.of(result.hits())));
        if (!result.hits().isEmpty()) {
            thumbnail(result.galleryId(), result.gallery(), result.hits().get(0), -1).ifPresent(out::add);
        }
        return out;
    }

    /** As for one embedding, with {@code retrieval_scores} [n, hits] and {@code retrieved} the best hit over all rows. */
    private List<Artifact> artifacts(GalleryService.BatchSearchResult result) {
        List<Artifact> out = new ArrayList<>(3);
        out.add(retrievalJson(RetrievalJson.toJson(result), result.gallery()));
        out.add(scores(result.hits()));
        int bestRow = -1;
        for (int r = 0; r < result.hits().size(); r++) {
            List<RetrievalHit> hits = result.hits().get(r);
            if (!hits.isEmpty() && (bestRow < 0 || hits.get(0).score() > result.hits().get(bestRow).get(0).score())) {
                bestRow = r;
            }
        }
        if (bestRow >= 0) {
            thumbnail(result.galleryId(), result.gallery(), result.hits().get(bestRow).get(0), bestRow).ifPresent(out::add);
        }
        return out;
    }

    private static Artifact retrievalJson(String json, String gallery) {
        return Artifact.newBuilder().setName("retrieval").setText(json).putMetadata("content_type", "application/json")
            .putMetadata("gallery", gallery).build();
    }

    /** FP32 [hits] for one hit list, [rows, hits] for several (every row has the same number of hits). */
    private static Artifact scores(List<List<RetrievalHit>> rows) {
        int hits = rows.get(0).size();
        float[] scores = new float[rows.size() * hits];
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < hits; i++) {
                scores[r * hits + i] = rows.get(r).get(i).score();
            }
        }
        Tensor t = rows.size() == 1 ? Tensors.ofFloats(scores, hits) : Tensors.ofFloats(scores, rows.size(), hits);
        return Artifact.newBuilder().setName("retrieval_scores").setTensor(t).build();
    }

    /** The hit's thumbnail as artifact {@code retrieved} ({@code row} in its metadata when >= 0); none for a bare embedding entry. */
    private java.util.Optional<Artifact> thumbnail(long galleryId, String gallery, RetrievalHit best, int row) {
        try {
            Artifact.Builder a = Artifact.newBuilder().setName("retrieved").setPng(ByteString.copyFrom(store.thumbnail(galleryId, gallery, best.entryId())))
                .putMetadata("label", best.label()).putMetadata("score", Float.toString(best.score()));
            if (row >= 0) {
                a.putMetadata("row", Integer.toString(row));
            }
            return java.util.Optional.of(a.build());
        } catch (GalleryNotFoundException noThumbnail) {
            return java.util.Optional.empty(); // entries added as bare embeddings have no image to show
        }
    }
}

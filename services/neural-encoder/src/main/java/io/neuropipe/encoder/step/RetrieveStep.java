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
 * Step {@code retrieve}: artifact {@code embedding} (from {@code encode}) + params {@code gallery}
 * (default: the zoo gallery) and {@code k} -> artifact {@code retrieval} (JSON text: hits with
 * rank, id, label, cosine score and thumbnail path), {@code retrieved} (the best hit's thumbnail,
 * PNG) and {@code retrieval_scores} (FP32 [hits]). The gallery is the job tenant's own of that
 * name, else the shared one; another tenant's is never found.
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
        float[] query = input.timings().preprocess(() -> embedding(input.requireTensor("embedding")));
        String tenant = tenants.resolve(input.tenant());
        GalleryService.SearchResult result = input.timings().inference(() -> galleries.search(tenant, gallery, query, k));
        List<Artifact> artifacts = input.timings().postprocess(() -> artifacts(result));
        return new StepOutput(artifacts, Map.of("retrieve.gallery", result.gallery(),
            "retrieve.gallery_version", Long.toString(result.version()), "retrieve.k", Integer.toString(k)));
    }

    /** One embedding, [dim] or [1, dim]; several trials' embeddings are refused rather than silently flattened. */
    private static float[] embedding(Tensor t) {
        long[] shape = Tensors.shape(t);
        if (shape.length == 0 || shape.length > 2 || (shape.length == 2 && shape[0] != 1)) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "retrieve takes one embedding, [dim] or [1, dim], but got "
                + java.util.Arrays.toString(shape));
        }
        return Tensors.toFloats(t);
    }

    private List<Artifact> artifacts(GalleryService.SearchResult result) {
        List<Artifact> out = new ArrayList<>(3);
        out.add(Artifact.newBuilder().setName("retrieval").setText(RetrievalJson.toJson(result))
            .putMetadata("content_type", "application/json").putMetadata("gallery", result.gallery()).build());
        float[] scores = new float[result.hits().size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = result.hits().get(i).score();
        }
        out.add(Artifact.newBuilder().setName("retrieval_scores").setTensor(Tensors.ofFloats(scores, scores.length)).build());
        if (!result.hits().isEmpty()) {
            RetrievalHit best = result.hits().get(0);
            try {
                out.add(Artifact.newBuilder().setName("retrieved").setPng(ByteString.copyFrom(store.thumbnail(result.galleryId(), result.gallery(), best.entryId())))
                    .putMetadata("label", best.label()).putMetadata("score", Float.toString(best.score())).build());
            } catch (GalleryNotFoundException noThumbnail) {
                // entries added as bare embeddings have no image to show
            }
        }
        return out;
    }
}

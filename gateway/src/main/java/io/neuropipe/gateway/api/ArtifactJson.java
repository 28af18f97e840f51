package io.neuropipe.gateway.api;

import java.util.Base64;

import com.google.protobuf.ByteString;
import io.neuropipe.gateway.config.PipelinesProperties.InputKind;
import io.neuropipe.gateway.job.ImageFormats;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.BlobRef;
import tools.jackson.databind.JsonNode;

/**
 * Job inputs and results as JSON: tensors in OIP v2 form, text as a string, images (PNG, or JPEG
 * as input) as {@code {"contentType", "base64"}}. Encoded image bytes travel in {@code Artifact.png}.
 */
final class ArtifactJson {

    static final String PNG = "image/png";
    static final String JPEG = "image/jpeg";
    static final String CONTENT_TYPE = "content_type";

    /** A PNG image in a request or response. */
    record Image(String contentType, String base64) {
    }

    /** A claim-check reference in a response. */
    record Blob(String uri, long sizeBytes, String sha256, String mediaType) {
    }

    /** Wraps {@link Blob} so a reference is told apart from an inline value. */
    record BlobView(Blob blob) {
    }

    private ArtifactJson() {
    }

    static Artifact parse(InputKind kind, JsonNode node, String field, long maxTensorBytes) {
        return switch (kind) {
            case TENSOR -> Artifact.newBuilder().setTensor(TensorJson.parse(node, field, maxTensorBytes)).build();
            case TEXT -> {
                if (node == null || !node.isString()) {
                    throw new InvalidInputException(field, "Must be a JSON string");
                }
                yield Artifact.newBuilder().setText(node.stringValue()).build();
            }
            case IMAGE -> image(node, field);
        };
    }

    private static Artifact image(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(field, "Must be an object {\"contentType\": \"image/png\", \"base64\": \"...\"}");
        }
        JsonNode type = node.get("contentType");
        String contentType = type == null ? "" : type.asString();
        if (!PNG.equals(contentType) && !JPEG.equals(contentType)) {
            throw new InvalidInputException(field + ".contentType", "Must be \"image/png\" or \"image/jpeg\"");
        }
        JsonNode data = node.get("base64");
        if (data == null || !data.isString()) {
            throw new InvalidInputException(field + ".base64", "Must be the base64-encoded image file");
        }
        try {
            return Artifact.newBuilder()
                .setPng(ByteString.copyFrom(Base64.getMimeDecoder().decode(data.stringValue())))
                .putMetadata(CONTENT_TYPE, contentType)
                .build();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field + ".base64", "Is not valid base64: " + e.getMessage());
        }
    }

    static Object view(Artifact a) {
        return switch (a.getValueCase()) {
            case TENSOR -> TensorJson.view(a.getTensor());
            case TEXT -> a.getText();
            case PNG -> new Image(ImageFormats.isJpeg(a.getPng()) ? JPEG : PNG,
                Base64.getEncoder().encodeToString(a.getPng().toByteArray()));
            case BLOB -> {
                BlobRef b = a.getBlob();
                yield new BlobView(new Blob(b.getUri(), b.getSizeBytes(), b.getSha256(), b.getMediaType()));
            }
            default -> null;
        };
    }
}

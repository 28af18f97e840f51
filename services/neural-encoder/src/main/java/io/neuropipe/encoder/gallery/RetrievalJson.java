package io.neuropipe.encoder.gallery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * A search result as the JSON the console and API clients read: gallery, version and hits with
 * rank, entry id, label, score and the gallery API path of the hit's thumbnail.
 */
public final class RetrievalJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RetrievalJson() {
    }

    /** Path of an entry's thumbnail under the gallery API (the gateway serves it at the same path). */
    public static String thumbnailPath(String gallery, long entryId) {
        return "/v1/galleries/" + gallery + "/entries/" + entryId + "/thumbnail";
    }

    public static Map<String, Object> toMap(GalleryService.SearchResult result) {
        List<Map<String, Object>> hits = new ArrayList<>();
        for (RetrievalHit h : result.hits()) {
            Map<String, Object> hit = new LinkedHashMap<>();
            hit.put("rank", h.rank());
            hit.put("id", h.entryId());
            hit.put("label", h.label());
            hit.put("score", h.score());
            hit.put("thumbnail", thumbnailPath(result.gallery(), h.entryId()));
            hits.add(hit);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gallery", result.gallery());
        out.put("version", result.version());
        out.put("hits", hits);
        return out;
    }

    public static String toJson(GalleryService.SearchResult result) {
        return JSON.writeValueAsString(toMap(result));
    }
}

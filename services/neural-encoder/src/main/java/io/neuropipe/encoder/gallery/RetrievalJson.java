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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gallery", result.gallery());
        out.put("version", result.version());
        out.put("hits", hits(result.gallery(), result.hits()));
        return out;
    }

    /** A batch: gallery, version and {@code rows}, one {@code {row, hits}} per query in query order. */
    public static Map<String, Object> toMap(GalleryService.BatchSearchResult result) {
        List<Map<String, Object>> rows = new ArrayList<>(result.hits().size());
        for (int i = 0; i < result.hits().size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("row", i);
            row.put("hits", hits(result.gallery(), result.hits().get(i)));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gallery", result.gallery());
        out.put("version", result.version());
        out.put("rows", rows);
        return out;
    }

    private static List<Map<String, Object>> hits(String gallery, List<RetrievalHit> found) {
        List<Map<String, Object>> hits = new ArrayList<>(found.size());
        for (RetrievalHit h : found) {
            Map<String, Object> hit = new LinkedHashMap<>();
            hit.put("rank", h.rank());
            hit.put("id", h.entryId());
            hit.put("label", h.label());
            hit.put("score", h.score());
            hit.put("thumbnail", thumbnailPath(gallery, h.entryId()));
            hits.add(hit);
        }
        return hits;
    }

    public static String toJson(GalleryService.SearchResult result) {
        return JSON.writeValueAsString(toMap(result));
    }

    public static String toJson(GalleryService.BatchSearchResult result) {
        return JSON.writeValueAsString(toMap(result));
    }
}

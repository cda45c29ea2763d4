package com.rediacc.contract.bridge;

import java.util.List;

/**
 * A bridge asks for up to {@code max} ready tasks of one machine. {@code tags} are the bridge's
 * tags: tagged tasks are handed only to bridges carrying that tag.
 */
public record ClaimRequest(String machine, String bridgeId, List<String> tags, int max) {
}

package com.rediacc.queue.vault;

import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.contract.vault.EncryptRequest;
import com.rediacc.contract.vault.KeyInfo;
import com.rediacc.contract.vault.VaultApi;
import io.smallrye.mutiny.Uni;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** HTTP adapter to vault-service (queue-service identity: encrypt, rotate). */
@RegisterRestClient(configKey = "vault")
@Path("/api/v1/vault")
public interface VaultClient {
    String KEYS = "/keys/{team}";

    @POST
    @Path(KEYS + VaultApi.ENCRYPT)
    Uni<CiphertextResponse> encrypt(@HeaderParam("Authorization") String authorization, @PathParam("team") String team,
                                    EncryptRequest request);

    @POST
    @Path(KEYS + VaultApi.ROTATE)
    Uni<KeyInfo> rotate(@HeaderParam("Authorization") String authorization, @PathParam("team") String team);

    /** vault-service's own audit trail (every decrypt, rotation, ...), passed through as it is. */
    @GET
    @Path("/audit")
    Uni<JsonNode> audit(@HeaderParam("Authorization") String authorization, @QueryParam("team") String team,
                        @QueryParam("since") String since, @QueryParam("cursor") String cursor,
                        @QueryParam("limit") int limit);
}

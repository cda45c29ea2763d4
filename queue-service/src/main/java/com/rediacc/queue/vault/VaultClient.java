package com.rediacc.queue.vault;

import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.contract.vault.EncryptRequest;
import com.rediacc.contract.vault.KeyInfo;
import com.rediacc.contract.vault.VaultApi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** HTTP adapter to vault-service (queue-service identity: encrypt, rotate). */
@RegisterRestClient(configKey = "vault")
@Path(VaultApi.BASE)
public interface VaultClient {
    @POST
    @Path(VaultApi.ENCRYPT)
    Uni<CiphertextResponse> encrypt(@HeaderParam("Authorization") String authorization, @PathParam("team") String team,
                                    EncryptRequest request);

    @POST
    @Path(VaultApi.ROTATE)
    Uni<KeyInfo> rotate(@HeaderParam("Authorization") String authorization, @PathParam("team") String team);
}

package com.rediacc.vault.transit;

import com.rediacc.contract.vault.CiphertextRequest;
import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.contract.vault.EncryptRequest;
import com.rediacc.contract.vault.KeyInfo;
import com.rediacc.contract.vault.PlaintextResponse;
import com.rediacc.contract.vault.VaultApi;
import com.rediacc.vault.auth.BearerTokenFilter;
import com.rediacc.web.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** The transit API of {@link VaultApi}: one key per team, addressed as {@code /api/v1/vault/keys/{team}}. */
@Path(VaultApi.BASE)
@Produces(MediaType.APPLICATION_JSON)
public class TransitResource {
    /** Not (yet) in the contract: like Vault's {@code transit/datakey/{plaintext|wrapped}}. */
    public static final String DATAKEY = "/datakey/{type}";

    @Inject
    Transit transit;

    @POST
    @Path(VaultApi.ENCRYPT)
    @Consumes(MediaType.APPLICATION_JSON)
    public CiphertextResponse encrypt(@PathParam("team") String team, EncryptRequest request,
                                      @Context ContainerRequestContext context) {
        return transit.encrypt(BearerTokenFilter.caller(context), team, request);
    }

    @POST
    @Path(VaultApi.DECRYPT)
    @Consumes(MediaType.APPLICATION_JSON)
    public PlaintextResponse decrypt(@PathParam("team") String team, CiphertextRequest request,
                                     @Context ContainerRequestContext context) {
        return transit.decrypt(BearerTokenFilter.caller(context), team, request);
    }

    @POST
    @Path(VaultApi.REWRAP)
    @Consumes(MediaType.APPLICATION_JSON)
    public CiphertextResponse rewrap(@PathParam("team") String team, CiphertextRequest request,
                                     @Context ContainerRequestContext context) {
        return transit.rewrap(BearerTokenFilter.caller(context), team, request);
    }

    /** No body. */
    @POST
    @Path(VaultApi.ROTATE)
    public KeyInfo rotate(@PathParam("team") String team, @Context ContainerRequestContext context) {
        return transit.rotate(BearerTokenFilter.caller(context), team);
    }

    /** {@link VaultApi#INFO}: the base path itself. */
    @GET
    public KeyInfo info(@PathParam("team") String team, @Context ContainerRequestContext context) {
        return transit.info(BearerTokenFilter.caller(context), team);
    }

    @POST
    @Path(DATAKEY)
    @Consumes(MediaType.APPLICATION_JSON)
    public DataKeyResponse datakey(@PathParam("team") String team, @PathParam("type") String type,
                                   DataKeyRequest request, @Context ContainerRequestContext context) {
        boolean plaintext = switch (type) {
            case "plaintext" -> true;
            case "wrapped" -> false;
            default -> throw ProblemException.notFound("datakey type must be 'plaintext' or 'wrapped'");
        };
        return transit.datakey(BearerTokenFilter.caller(context), team, request, plaintext);
    }
}

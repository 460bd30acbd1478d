package io.kakunin.service.security;

import io.kakunin.api.ApiKeysApi;
import io.kakunin.api.model.ApiKey;
import io.kakunin.api.model.ApiKeyCreated;
import io.kakunin.api.model.ApiKeyList;
import io.kakunin.api.model.ApiKeyRequest;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
class ApiKeysController implements ApiKeysApi {

    private static final Logger log = LoggerFactory.getLogger(ApiKeysController.class);

    private final ApiKeys keys;

    ApiKeysController(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public ResponseEntity<ApiKeyList> listApiKeys() {
        return ResponseEntity.ok(new ApiKeyList()
                .items(keys.list().stream().map(ApiKeysController::view).toList()));
    }

    @Override
    public ResponseEntity<ApiKeyCreated> createApiKey(ApiKeyRequest request) {
        Caller caller = Caller.current();
        ApiKeys.Created created = keys.create(request.getName(), EnumSet.copyOf(request.getRoles()), caller);
        log.info(
                "API key {} ({}, roles {}) created by {}",
                created.record().id(),
                created.record().name(),
                created.record().roles(),
                caller.id());
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{id}")
                .buildAndExpand(created.record().id())
                .toUri();
        return ResponseEntity.created(location)
                .body(new ApiKeyCreated().apiKey(view(created.record())).key(created.key()));
    }

    @Override
    public ResponseEntity<Void> revokeApiKey(UUID id) {
        keys.revoke(id);
        log.info("API key {} revoked by {}", id, Caller.current().id());
        return ResponseEntity.noContent().build();
    }

    private static ApiKey view(ApiKeyRecord record) {
        return new ApiKey()
                .id(record.id())
                .name(record.name())
                .roles(new ArrayList<>(ApiKeys.roles(record.roles())))
                .prefix(record.keyPrefix())
                .createdAt(record.createdAt().atOffset(ZoneOffset.UTC))
                .createdBy(record.createdBy())
                .revokedAt(
                        record.revokedAt() == null ? null : record.revokedAt().atOffset(ZoneOffset.UTC));
    }
}

package com.rediacc.web;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BearerTokensTest {
    @Test
    void presentedTokenIsReadFromABearerHeaderOnly() {
        assertThat(BearerTokens.presented("Bearer abc")).contains("abc");
        assertThat(BearerTokens.presented("bearer  abc ")).contains("abc");
        assertThat(BearerTokens.presented(null)).isEmpty();
        assertThat(BearerTokens.presented("Basic abc")).isEmpty();
        assertThat(BearerTokens.presented("Bearer ")).isEmpty();
        assertThat(BearerTokens.presented("Bearer    ")).isEmpty();
        assertThat(BearerTokens.presented("Bearerabc")).isEmpty();
    }

    @Test
    void onlyTheConfiguredSecretMatches() {
        assertThat(BearerTokens.matches("secret", Optional.of("secret"))).isTrue();
        assertThat(BearerTokens.matches("secret", Optional.of(" secret\n"))).isTrue();
        assertThat(BearerTokens.matches("secret", Optional.of("secret2"))).isFalse();
        assertThat(BearerTokens.matches("secret2", Optional.of("secret"))).isFalse();
        assertThat(BearerTokens.matches("Secret", Optional.of("secret"))).isFalse();
    }

    @Test
    void aMissingOrBlankSecretMatchesNothing() {
        assertThat(BearerTokens.matches("x", Optional.empty())).isFalse();
        assertThat(BearerTokens.matches(" ", Optional.of(" "))).isFalse();
        assertThat(BearerTokens.usable(Optional.of("  "))).isEmpty();
    }
}

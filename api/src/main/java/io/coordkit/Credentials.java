package io.coordkit;

import java.util.Objects;

/**
 * A user name and password for engines that authenticate clients. {@link #toString()} never shows the password.
 *
 * @param username the user name, not blank
 * @param password the password, not null
 */
public record Credentials(String username, String password) {
    /** Checks the arguments. */
    public Credentials {
        Objects.requireNonNull(username, "username must not be null");
        Objects.requireNonNull(password, "password must not be null");
        if (username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank");
        }
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=***]";
    }
}

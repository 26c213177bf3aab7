package io.coordkit;

import io.coordkit.internal.Validation;

/**
 * A user name and password for engines that authenticate clients. {@link #toString()} never shows the password.
 *
 * @param username the user name: empty for engines that take a password only (Redis {@code AUTH password}),
 *                 otherwise not blank
 * @param password the password, not null
 */
public record Credentials(String username, String password) {
    /** Checks the arguments. */
    public Credentials {
        Validation.notNull("username", username);
        Validation.notNull("password", password);
        if (!username.isEmpty() && username.isBlank()) {
            throw new IllegalArgumentException("username must be empty or not blank (NAM-2)");
        }
        if (username.isEmpty() && password.isEmpty()) {
            throw new IllegalArgumentException("credentials need a username or a password (NAM-2)");
        }
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=***]";
    }
}

package org.example.sample.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A user who can sign in: the name, a PBKDF2 hash of the password (never the password)
 * and the one group the user belongs to. The web module's identity store reads the
 * table {@code APP_USER} with plain SQL.
 */
@Entity
@Table(name = "APP_USER")
public class AppUser {

    @Id
    @Column(name = "USERNAME", length = 64)
    private String username;

    @Column(name = "PASSWORD_HASH", nullable = false, length = 512)
    private String passwordHash;

    @Column(name = "GROUP_NAME", nullable = false, length = 64)
    private String groupName;

    /** For JPA. */
    protected AppUser() {
    }

    /** A user with an already hashed password. */
    public AppUser(String username, String passwordHash, String groupName) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.groupName = groupName;
    }

    public String getUsername() {
        return username;
    }

    public String getGroupName() {
        return groupName;
    }
}

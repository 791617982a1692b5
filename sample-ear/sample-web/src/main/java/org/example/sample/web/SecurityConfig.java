package org.example.sample.web;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.FormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;
import jakarta.security.enterprise.identitystore.DatabaseIdentityStoreDefinition;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;

/**
 * Jakarta Security: form login ({@code /login.xhtml}, posting to {@code j_security_check})
 * against the users of the database, whose passwords are stored as PBKDF2 hashes.
 */
@FormAuthenticationMechanismDefinition(loginToContinue = @LoginToContinue(
        loginPage = "/login.xhtml", errorPage = "/login-error.xhtml"))
@DatabaseIdentityStoreDefinition(
        dataSourceLookup = "java:app/jdbc/sample",
        callerQuery = "SELECT PASSWORD_HASH FROM APP_USER WHERE USERNAME = ?",
        groupsQuery = "SELECT GROUP_NAME FROM APP_USER WHERE USERNAME = ?",
        hashAlgorithm = Pbkdf2PasswordHash.class)
@DeclareRoles(SecurityConfig.USER_ROLE)
@ApplicationScoped
public class SecurityConfig {

    /** The role of signed-in users (the group of the same name). */
    public static final String USER_ROLE = "user";
}

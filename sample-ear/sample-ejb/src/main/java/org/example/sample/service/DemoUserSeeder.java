package org.example.sample.service;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import org.example.sample.model.AppUser;

import java.util.logging.Logger;

/**
 * Defines the application's database, an embedded Derby database in a directory of the
 * server instance (created on first use, kept across restarts), and makes sure the demo
 * user {@code demo} / {@code demo} exists when the application starts.
 */
@DataSourceDefinition(
        name = DemoUserSeeder.DATA_SOURCE,
        className = "org.apache.derby.jdbc.EmbeddedDataSource",
        databaseName = "${com.sun.aas.instanceRoot}/lib/databases/sample-ear",
        properties = {"connectionAttributes=;create=true"})
@Startup
@Singleton
public class DemoUserSeeder {

    /** JNDI name of the application's data source. */
    public static final String DATA_SOURCE = "java:app/jdbc/sample";
    /** The demo user's name, which is also the password. */
    public static final String DEMO_USER = "demo";
    /** The group (and role) of signed-in users. */
    public static final String USER_GROUP = "user";

    private static final Logger LOG = Logger.getLogger(DemoUserSeeder.class.getName());

    @PersistenceContext(unitName = "sample")
    private EntityManager em;

    @Inject
    private Pbkdf2PasswordHash passwordHash;

    @PostConstruct
    void seed() {
        if (em.find(AppUser.class, DEMO_USER) == null) {
            em.persist(new AppUser(DEMO_USER, passwordHash.generate(DEMO_USER.toCharArray()), USER_GROUP));
            LOG.info("created the demo user " + DEMO_USER);
        }
    }
}

package org.example.sample.service;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.example.sample.model.StoredFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Uploaded files: the bytes are copied, as a stream, to a directory of the server's
 * instance ({@code <domain>/sample-files}), and their metadata is stored in the database.
 */
@Stateless
public class FileService {

    /** System property with the server instance directory (the GlassFish domain directory). */
    static final String INSTANCE_ROOT = "com.sun.aas.instanceRoot";

    @PersistenceContext(unitName = "sample")
    private EntityManager em;

    /** All files, newest first. */
    public List<StoredFile> list() {
        return em.createNamedQuery(StoredFile.ALL, StoredFile.class).getResultList();
    }

    /** The file with this id, if there is one. */
    public Optional<StoredFile> find(long id) {
        return Optional.ofNullable(em.find(StoredFile.class, id));
    }

    /** Copies {@code content} to the file store (never whole into memory) and records it. */
    public StoredFile store(String fileName, String contentType, InputStream content) {
        String storageName = UUID.randomUUID().toString();
        Path target = directory().resolve(storageName);
        try {
            long size = Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
            StoredFile file = new StoredFile(fileName, contentType, size, storageName, Instant.now());
            em.persist(file);
            em.flush();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store upload " + fileName, e);
        }
    }

    /** Where the bytes of {@code file} are. */
    public Path content(StoredFile file) {
        return directory().resolve(file.getStorageName());
    }

    private static Path directory() {
        Path dir = Path.of(System.getProperty(INSTANCE_ROOT, System.getProperty("user.dir")), "sample-files");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the file store " + dir, e);
        }
    }
}

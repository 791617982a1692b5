package org.example.sample.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;

import java.time.Instant;

/** What is known of an uploaded file; its bytes are in a file of the file store named {@link #getStorageName()}. */
@Entity
@NamedQuery(name = StoredFile.ALL, query = "SELECT f FROM StoredFile f ORDER BY f.id DESC")
public class StoredFile {

    /** Name of the query listing all files, newest first. */
    public static final String ALL = "StoredFile.all";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 255)
    private String fileName;

    @Column(nullable = false, length = 255)
    private String contentType;

    private long size;

    @Column(nullable = false, length = 64)
    private String storageName;

    @Column(nullable = false)
    private Instant uploaded;

    /** For JPA. */
    protected StoredFile() {
    }

    /** Metadata of a file whose bytes are already stored under {@code storageName}. */
    public StoredFile(String fileName, String contentType, long size, String storageName, Instant uploaded) {
        this.fileName = fileName;
        this.contentType = contentType;
        this.size = size;
        this.storageName = storageName;
        this.uploaded = uploaded;
    }

    public Long getId() {
        return id;
    }

    public String getFileName() {
        return fileName;
    }

    public String getContentType() {
        return contentType;
    }

    public long getSize() {
        return size;
    }

    public String getStorageName() {
        return storageName;
    }

    public Instant getUploaded() {
        return uploaded;
    }
}

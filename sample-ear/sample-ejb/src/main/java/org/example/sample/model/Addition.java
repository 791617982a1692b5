package org.example.sample.model;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;

import java.io.Serializable;
import java.time.Instant;

/** One addition made through the typed gRPC service {@code DemoService.Add}. */
@Entity
@NamedQuery(name = Addition.COUNT, query = "SELECT COUNT(a) FROM Addition a")
@NamedQuery(name = Addition.LATEST, query = "SELECT a FROM Addition a ORDER BY a.id DESC")
public class Addition implements Serializable {

    /** Name of the query counting all additions. */
    public static final String COUNT = "Addition.count";
    /** Name of the query listing additions, newest first. */
    public static final String LATEST = "Addition.latest";

    private static final long serialVersionUID = 1L;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private int a;
    private int b;
    private int result;
    private Instant madeAt;

    /** For JPA. */
    public Addition() {
    }

    public Addition(int a, int b, int result) {
        this.a = a;
        this.b = b;
        this.result = result;
        this.madeAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public int getA() {
        return a;
    }

    public int getB() {
        return b;
    }

    public int getResult() {
        return result;
    }

    public Instant getMadeAt() {
        return madeAt;
    }
}

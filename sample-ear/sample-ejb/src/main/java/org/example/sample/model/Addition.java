package org.example.sample.model;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.TableGenerator;

import java.io.Serializable;
import java.time.Instant;

/**
 * One addition made through the typed gRPC service {@code DemoService.Add}.
 *
 * <p>Its id comes from a table generator, not an identity column: {@code Add} is called
 * by many clients at once, and Derby's identity generator gives up under concurrent
 * inserts ({@code SequenceUpdater.tooMuchContentionException}: 1 to 3 of 5,000 inserts
 * failed, with 8 and with 32 concurrent callers). The generator reserves
 * {@value #ID_BLOCK} ids per database update, so only one insert in {@value #ID_BLOCK}
 * touches the generator row, and that update is an ordinary row lock, which waits instead
 * of failing. Ids are therefore unique and increasing within one run, with gaps after a
 * restart. The table is not {@code ADDITION}: a database created before the change has an
 * identity column there, which refuses the ids the generator assigns.
 */
@Entity
@Table(name = "DEMO_ADDITION")
@TableGenerator(name = Addition.ID_GENERATOR, table = "ID_GENERATOR", pkColumnName = "GENERATOR",
        valueColumnName = "NEXT_BLOCK", pkColumnValue = "DEMO_ADDITION", allocationSize = Addition.ID_BLOCK)
@NamedQuery(name = Addition.COUNT, query = "SELECT COUNT(a) FROM Addition a")
@NamedQuery(name = Addition.LATEST, query = "SELECT a FROM Addition a ORDER BY a.id DESC")
public class Addition implements Serializable {

    /** Name of the query counting all additions. */
    public static final String COUNT = "Addition.count";
    /** Name of the query listing additions, newest first. */
    public static final String LATEST = "Addition.latest";

    static final String ID_GENERATOR = "Addition.id";
    static final int ID_BLOCK = 50;

    private static final long serialVersionUID = 1L;

    @Id
    @GeneratedValue(strategy = GenerationType.TABLE, generator = ID_GENERATOR)
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

package org.example.sample.service;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.example.sample.model.Addition;

import java.util.List;

/** The additions {@code DemoService.Add} made: recorded in the database, counted for the web page. */
@Stateless
public class AdditionService {

    @PersistenceContext(unitName = "sample")
    private EntityManager em;

    /**
     * Stores one addition (one transaction) and returns its number, its row id. Not a
     * COUNT in the same transaction: under concurrent calls Derby's row locks turn that
     * into deadlocks (SQLState 40001).
     */
    public long record(int a, int b, int result) {
        Addition addition = new Addition(a, b, result);
        em.persist(addition);
        em.flush();
        return addition.getId();
    }

    /** How many additions were made. */
    public long count() {
        return em.createNamedQuery(Addition.COUNT, Long.class).getSingleResult();
    }

    /** The newest additions, at most {@code max}. */
    public List<Addition> latest(int max) {
        return em.createNamedQuery(Addition.LATEST, Addition.class).setMaxResults(max).getResultList();
    }
}

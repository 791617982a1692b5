package org.example.sample.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import org.example.sample.model.Addition;
import org.example.sample.service.AdditionService;

import java.util.List;

/** What {@code additions.xhtml} shows: the additions the gRPC service {@code DemoService.Add} made. */
@Named
@RequestScoped
public class AdditionsBean {

    @EJB
    AdditionService additions;

    public long getCount() {
        return additions.count();
    }

    public List<Addition> getLatest() {
        return additions.latest(10);
    }
}

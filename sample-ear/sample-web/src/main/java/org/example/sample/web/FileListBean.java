package org.example.sample.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import org.example.sample.model.StoredFile;
import org.example.sample.service.FileService;

import java.util.List;

/** The files page: what has been uploaded. */
@Named
@RequestScoped
public class FileListBean {

    @EJB
    private FileService files;

    private List<StoredFile> list;

    /** All files, newest first, read once per request. */
    public List<StoredFile> getFiles() {
        if (list == null) {
            list = files.list();
        }
        return list;
    }
}

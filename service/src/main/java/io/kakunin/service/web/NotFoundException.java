package io.kakunin.service.web;

/** No such record, or none the caller may see: answered 404 without saying which. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String kind, Object id) {
        super("no " + kind + " " + id);
    }
}

package org.messageexport.job;

/** A request that cannot be carried out as asked (bad or inverted dates, an overlap without re-export, …). */
public class InvalidRequestException extends IllegalArgumentException {
    public InvalidRequestException(String message) {
        super(message);
    }
}

package com.rediacc.queue.machines;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.rediacc.queue.machines.resources.MachineResources;

/** A machine as the API reads it: its registration, and its newest resource sample (absent until one came). */
public record MachineView(@JsonUnwrapped Machine machine,
                          @JsonInclude(JsonInclude.Include.NON_NULL) MachineResources resources) {
}

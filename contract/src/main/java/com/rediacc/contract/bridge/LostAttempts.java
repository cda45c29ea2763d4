package com.rediacc.contract.bridge;

import java.util.List;

/**
 * The lost attempts of one machine, with what a bridge needs to log in there and end them. Empty
 * {@code attempts} (and null machine) when there are none.
 */
public record LostAttempts(String team, MachineConnection machine, List<LostAttempt> attempts) {
}

/**
 * The application class and {@link io.audius.indexer.InvalidConfigurationException},
 * which any package may throw for a configuration value that cannot work;
 * {@link io.audius.indexer.StartFailure} turns it into exit code 78.
 */
@NullMarked
package io.audius.indexer;

import org.jspecify.annotations.NullMarked;

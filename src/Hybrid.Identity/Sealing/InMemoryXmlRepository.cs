using System.Collections.Concurrent;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Hybrid.Identity.Sealing;

/// <summary>
/// A Data Protection key ring held in memory, for a host whose durable state ends with the process (the in-memory
/// backend): its sealed tokens need no key that outlives it, and no key is written to disk.
/// </summary>
public sealed class InMemoryXmlRepository : IXmlRepository
{
    private readonly ConcurrentQueue<XElement> _elements = new();

    public IReadOnlyCollection<XElement> GetAllElements() => [.. _elements.Select(e => new XElement(e))];

    public void StoreElement(XElement element, string friendlyName) => _elements.Enqueue(new XElement(Check.NotNull(element)));
}

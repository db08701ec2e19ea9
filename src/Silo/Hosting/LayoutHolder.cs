namespace Synod.Silo.Hosting;

/// <summary>The layout a silo currently routes by: its configuration's until the meta group's directory is read, then the directory's.</summary>
public sealed class LayoutHolder(ClusterLayout initial)
{
    private volatile ClusterLayout _current = initial;

    /// <summary>The layout in force.</summary>
    public ClusterLayout Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>True once the layout comes from the meta group's directory.</summary>
    public bool FromDirectory { get; set; }
}
